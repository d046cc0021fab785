package addrs

// Kind is the kind of a managed resource; it is also the first segment of
// its address.
type Kind string

const (
	KindServer  Kind = "server"
	KindVolume  Kind = "volume"
	KindImage   Kind = "image"
	KindKeypair Kind = "keypair"
)
