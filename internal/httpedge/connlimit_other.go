//go:build !unix

package httpedge

// ConnLimit returns the cap on open inbound connections where the open-file
// limit cannot be read: that of a limit of 8,192 files.
func ConnLimit() int { return connsFor(8192) }
