package providers

// Coalescer is implemented by providers that merge the server reads and
// actions their Update and Delete calls make at the same moment into list
// calls (NCP's serverInstanceNoList.N): 300 servers stopped together cost
// three calls, not 300. The provider bounds its HTTP calls in flight
// itself (--parallelism), so the executor lets up to ListSize times as many
// of these updates and deletes run at once as it lets other calls: their
// calls can only merge if they are made together.
type Coalescer interface {
	// ListSize is how many servers one list call names.
	ListSize() int
}
