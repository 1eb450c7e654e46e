package conversation

import "time"

// ErrStoreLost is the cause a store gives when it is no longer the store
// this process opened: its identity record is missing or different, as
// after a Redis without persistence restarted empty. Every read and write
// then fails with it (wrapped as EINTERNAL, so people are asked to try
// again later) until an operator restores the data or deliberately
// accepts the empty store. Test for it with errors.Is.
var ErrStoreLost = &Error{Code: EINTERNAL, Context: "the store has lost its data; an operator must restore it"}

// StoreIdentity is a store's identity record, written when the store is
// first opened: a random id and when it was made. A store that comes back
// without it, or with another, is not the store that was opened.
type StoreIdentity struct {
	ID       string    `json:"id"`
	Created  time.Time `json:"created"`
	Previous string    `json:"previous,omitempty"` // the identity an operator replaced with this one after a loss
	New      bool      `json:"-"`                  // made by this process's open, on an empty store
	Adopted  bool      `json:"-"`                  // made by this process's open, on a store that had data but no identity (from before identities)
}
