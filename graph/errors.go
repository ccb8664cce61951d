package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// ErrorPresenter maps errors to GraphQL errors with extensions.code.
// Domain errors show their message; anything else is logged with its
// path and replaced by a generic INTERNAL error, so internal details
// (Cypher, addresses, stack traces) never reach a client.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parser, validation and limit errors from gqlgen itself.
			return gqlErr
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		cause := err
		if gqlErr != nil && gqlErr.Err != nil {
			cause = gqlErr.Err
		}
		code := domain.ErrorCode(cause)
		if errors.Is(cause, context.DeadlineExceeded) {
			code = domain.EUNAVAILABLE
			out.Message = "request timed out"
		} else if errors.Is(cause, context.Canceled) {
			code = domain.EUNAVAILABLE
			out.Message = "request cancelled"
		} else {
			out.Message = domain.ErrorMessage(cause)
		}
		if code == domain.EINTERNAL || code == domain.EUNAVAILABLE {
			log.ErrorContext(ctx, "graphql resolver error", "code", code, "path", out.Path.String(), "err", cause.Error())
		}
		if out.Extensions == nil {
			out.Extensions = map[string]any{}
		}
		out.Extensions["code"] = code
		return out
	}
}

// Recover turns a resolver panic into an INTERNAL error and logs it.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql resolver panic", "panic", p)
		return errors.New("internal panic")
	}
}
