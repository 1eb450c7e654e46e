// Package conversation is the domain of resolvebot and its engine.
package conversation
