package domain

import (
	"errors"
	"fmt"
)

// Error codes. The GraphQL presenter shows them as extensions.code; any
// error without one counts as INTERNAL and its text is never shown.
const (
	ENOTFOUND    = "NOT_FOUND"
	EINVALID     = "BAD_USER_INPUT"
	EUNAUTH      = "UNAUTHENTICATED"
	EUNAVAILABLE = "UNAVAILABLE"
	ECONFLICT    = "CONFLICT"
	EINTERNAL    = "INTERNAL"
	// ECOMMITUNKNOWN: the connection was lost while a write committed, so
	// it may or may not have been applied. Writes are idempotent by key:
	// retrying the same mutation is safe.
	ECOMMITUNKNOWN = "COMMIT_UNKNOWN"
	// ELIMIT: the request needed more database work than one request may
	// do (statements per request).
	ELIMIT = "LIMIT_EXCEEDED"
)

// Error is an error meant for the user: a code and a message safe to show.
type Error struct {
	Code    string
	Message string
	// Key, if set, is the key of the node the error concerns (shown as
	// extensions.key), e.g. the initiative of a COMMIT_UNKNOWN write.
	Key string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds a user-facing Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL for any other non-nil error, or "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorKey returns the Key of the first *Error in err's chain.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// ErrorMessage returns the user-safe message of err: the *Error's message,
// or a generic text for internal errors.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
