package conversation

import "errors"

// CallerError marks an error returned by the function a caller passed to
// Store.UpdateCase, so a store can hand it back unchanged after its
// transaction machinery has wrapped it.
type CallerError struct{ Err error }

// Error implements error.
func (e CallerError) Error() string { return e.Err.Error() }

// StoreResult turns an error from a store's transaction into what the
// Store returns: a caller's error (CallerError) unchanged, our own *Error
// unchanged, anything else as EINTERNAL with context.
func StoreResult(context string, err error) error {
	if err == nil {
		return nil
	}
	var ce CallerError
	if errors.As(err, &ce) {
		return ce.Err
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return Internal(context, err)
}
