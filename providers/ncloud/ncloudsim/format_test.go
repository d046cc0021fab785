package ncloudsim

import (
	"fmt"
	"testing"
	"time"
)

func TestMacAddress(t *testing.T) {
	for _, no := range []uint64{0, 1, 20000002, 0xA0B0C0D0, 0xFFFFFFFF, 0x1_2345_6789} {
		want := fmt.Sprintf("F2:20:%02X:%02X:%02X:%02X", byte(no>>24), byte(no>>16), byte(no>>8), byte(no))
		if got := macAddress(no); got != want {
			t.Errorf("macAddress(%d) = %s, want %s", no, got, want)
		}
	}
}

func TestNCPDate(t *testing.T) {
	for _, tt := range []time.Time{
		{},
		time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 15, 59, 59, 999, time.UTC), // the next day in KST
		time.Date(2024, 1, 2, 9, 0, 0, 0, kst),
		time.Date(1999, 2, 3, 4, 5, 6, 0, time.FixedZone("X", -5*3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(999, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		want := ""
		if !tt.IsZero() {
			want = tt.In(kst).Format("2006-01-02T15:04:05-0700")
		}
		if got := ncpDate(tt); got != want {
			t.Errorf("ncpDate(%v) = %q, want %q", tt, got, want)
		}
	}
}
