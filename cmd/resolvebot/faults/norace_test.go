//go:build faults && !race

package faults

// raceBuild: these tests run without -race, and so does the binary.
const raceBuild = false
