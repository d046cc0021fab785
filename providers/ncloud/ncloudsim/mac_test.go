package ncloudsim

import (
	"fmt"
	"testing"
)

func TestMacAddress(t *testing.T) {
	for _, no := range []uint64{0, 1, 20000002, 0xA0B0C0D0, 0xFFFFFFFF, 0x1_2345_6789} {
		want := fmt.Sprintf("F2:20:%02X:%02X:%02X:%02X", byte(no>>24), byte(no>>16), byte(no>>8), byte(no))
		if got := macAddress(no); got != want {
			t.Errorf("macAddress(%d) = %s, want %s", no, got, want)
		}
	}
}
