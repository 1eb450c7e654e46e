//go:build faults && race

package faults

// raceBuild: these tests run under -race, so the resolvebot binary they
// start is built with the race detector too, and a race it reports fails
// the test.
const raceBuild = true
