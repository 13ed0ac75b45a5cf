package graph

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/privacy"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/logging"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// ruMessages are the Russian texts of the generic messages; services may
// send their own through apperr.Error.MessageRu.
var ruMessages = map[string]string{
	"error.unauthenticated":   "Войдите в систему",
	"error.forbidden":         "Недостаточно прав",
	"error.notFound":          "Запись не найдена",
	"error.conflict":          "Значение уже используется",
	"error.invalid":           "Проверьте введённые данные",
	"error.insufficientStock": "Недостаточно остатка на складе",
	"error.invalidTransition": "Такая смена статуса невозможна",
	"error.rateLimited":       "Слишком много запросов, попробуйте позже",
	"error.reference":         "Связанная запись не найдена",
	"error.unavailable":       "Сервис временно недоступен, повторите запрос позже",
	"error.internal":          "Внутренняя ошибка",
	"validation.required":     "Обязательное поле",
	"validation.tooShort":     "Слишком короткое значение",
	"validation.tooLong":      "Слишком длинное значение",
	"validation.invalidValue": "Недопустимое значение",
	"validation.invalid":      "Неверное значение",
	"validation.badFormat":    "Неверный формат",
	"validation.unique":       "Значение уже используется",
	"validation.reference":    "Связанная запись не найдена",
}

// errRecovered marks a panic already logged by Recover, so Presenter does
// not log it a second time.
var errRecovered = errors.New("graph: recovered panic")

// Presenter turns every error into a client-safe GraphQL error carrying
// extensions.code (and extensions.key, a stable message key). It is the one
// place that maps errors to codes; anything it does not recognise becomes
// INTERNAL with a fixed message, and the real error is logged here, once,
// with the request's logger.
func Presenter(ctx context.Context, err error) *gqlerror.Error {
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = gqlerror.WrapPath(graphql.GetPath(ctx), err)
	}
	out := &gqlerror.Error{Path: gqlErr.Path, Locations: gqlErr.Locations, Rule: gqlErr.Rule}
	cause := gqlErr.Err
	switch {
	case cause == nil:
		presentOwn(out, gqlErr)
	case isCoercion(ctx, gqlErr):
		name := lastName(gqlErr.Path)
		setFields(out, apperr.CodeBadUserInput, "error.invalid", "invalid value for "+name,
			map[string]apperr.FieldError{name: {Key: "validation.badFormat", Message: "has an invalid format"}})
	default:
		presentCause(ctx, out, cause)
	}
	if out.Extensions["code"] == string(apperr.CodeUnavailable) {
		markUnavailable(ctx)
	}
	// The request id ties the answer to the request's log line and audit
	// events: a client quoting it lets support find both.
	if id := reqinfo.From(ctx).RequestID; id != "" {
		if out.Extensions == nil {
			out.Extensions = map[string]any{}
		}
		out.Extensions["requestId"] = id
	}
	return out
}

// presentOwn keeps gqlgen's and gqlparser's own errors (parse, validation)
// with their codes: their messages are about the query, never the data.
// Variable values that fail coercion are the client's input, not its query,
// so they become BAD_USER_INPUT like a bad argument.
func presentOwn(out, in *gqlerror.Error) {
	out.Message = in.Message
	out.Extensions = maps.Clone(in.Extensions)
	if out.Extensions == nil {
		out.Extensions = map[string]any{}
	}
	code, _ := out.Extensions["code"].(string)
	if code == errcode.ValidationFailed && in.Rule == "" && len(in.Path) > 0 && in.Path[0] == ast.PathName("variable") {
		name := lastName(in.Path)
		setFields(out, apperr.CodeBadUserInput, "error.invalid", in.Message,
			map[string]apperr.FieldError{name: {Key: "validation.invalidValue", Message: "is not a valid value"}})
		out.Message = in.Message
		return
	}
	if code == "" {
		out.Extensions["code"] = string(apperr.CodeInternal)
	}
}

// isCoercion tells an argument that could not be decoded (a malformed ID, an
// enum value outside the list) from a resolver's error: gqlgen reports it on
// a path below the field, before the field's arguments are set.
func isCoercion(ctx context.Context, e *gqlerror.Error) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Args == nil && len(e.Path) > len(fc.Path())
}

func presentCause(ctx context.Context, out *gqlerror.Error, err error) {
	// A driver error that reached here unmapped (a generated mutation's
	// insert racing another) is translated by the database layer.
	err = database.MapError(err)
	// A transient failure (inside a service, or at commit) lets the
	// Transactioner run the mutation again; the last one is UNAVAILABLE.
	if database.Transient(err) {
		markTransient(ctx)
		var own *apperr.Error
		if !errors.As(err, &own) { // a bare driver error (a failed commit)
			err = database.ErrBusy
		}
	}
	if nf, ok := apperr.As[apperr.NotFound](err); ok {
		msg := nf.Error()
		set(out, apperr.CodeNotFound, "error.notFound", msg)
		if nf.Entity != "" {
			out.Extensions["entity"] = nf.Entity
		}
		return
	}
	if c, ok := apperr.As[apperr.Conflict](err); ok {
		presentConflict(out, c)
		return
	}
	if inv, ok := apperr.As[apperr.Invalid](err); ok {
		fields := make(map[string]apperr.FieldError, len(inv.Fields))
		key, msg := "error.reference", "a referenced record does not exist"
		for name, fe := range inv.Fields {
			fields[inputName(name)] = fe // the database layer names columns
			if fe.Key != "validation.reference" {
				key, msg = "error.invalid", "the input is invalid"
			}
		}
		setFields(out, apperr.CodeBadUserInput, key, msg, fields)
		return
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		set(out, ae.Code, ae.Key, ae.Message)
		if ae.MessageRu != "" {
			out.Extensions["messageRu"] = ae.MessageRu
		}
		for k, v := range ae.Details {
			if _, taken := out.Extensions[k]; !taken {
				out.Extensions[k] = v
			}
		}
		return
	}
	if errors.Is(err, privacy.Deny) {
		set(out, apperr.CodeForbidden, "error.forbidden", "you are not allowed to do this")
		return
	}
	var nf *ent.NotFoundError
	if errors.As(err, &nf) {
		set(out, apperr.CodeNotFound, "error.notFound", strings.TrimPrefix(nf.Error(), "ent: "))
		return
	}
	var ve *ent.ValidationError
	if errors.As(err, &ve) {
		name := inputName(ve.Name)
		fe := validationField(ve)
		setFields(out, apperr.CodeBadUserInput, "error.invalid", name+": "+fe.Message,
			map[string]apperr.FieldError{name: fe})
		return
	}
	if fe, ok := apperr.As[apperr.FieldError](err); ok {
		setFields(out, apperr.CodeBadUserInput, "error.invalid", fe.Message, nil)
		out.Extensions["key"] = fe.Key
		return
	}
	if errors.Is(err, errRecovered) {
		set(out, apperr.CodeInternal, "error.internal", "internal error")
		return
	}
	logging.FromContext(ctx).Error().Err(err).
		Str("path", out.Path.String()).
		Msg("graphql: internal error")
	set(out, apperr.CodeInternal, "error.internal", "internal error")
}

func presentConflict(out *gqlerror.Error, c apperr.Conflict) {
	cols := strings.Split(c.Field, ",")
	holder := "another record"
	if c.HolderID != 0 {
		holder = fmt.Sprintf("%s %d", c.Entity, c.HolderID)
		if c.HolderLabel != "" {
			holder = fmt.Sprintf("%s %d (%s)", c.Entity, c.HolderID, c.HolderLabel)
		}
	}
	fields := map[string]apperr.FieldError{}
	for _, col := range cols {
		fields[inputName(col)] = apperr.FieldError{Key: "validation.unique", Message: "is already used by " + holder}
	}
	field := strings.Join(mapSlice(cols, inputName), ",")
	msg := fmt.Sprintf("%s is already used by %s", field, holder)
	if c.Value != nil {
		msg = fmt.Sprintf("%s %q is already used by %s", field, fmt.Sprint(c.Value), holder)
	}
	setFields(out, apperr.CodeConflict, "error.conflict", msg, fields)
	out.Extensions["entity"] = c.Entity
	out.Extensions["field"] = field
	if c.HolderID != 0 {
		// The holder is a Node: its id is the GraphQL ID, sent as a string
		// exactly as the API serialises IDs.
		out.Extensions["holderId"] = strconv.Itoa(c.HolderID)
		if c.HolderLabel != "" {
			out.Extensions["holderLabel"] = c.HolderLabel
		}
	}
}

// validationField describes an ent validation failure for the field it
// names. ent's validator texts are generic, so they map to keys; a schema
// validator returning apperr.FieldError speaks for itself.
func validationField(ve *ent.ValidationError) apperr.FieldError {
	if fe, ok := apperr.As[apperr.FieldError](ve); ok {
		return fe
	}
	msg := ve.Error()
	switch {
	case strings.Contains(msg, "missing required field"):
		return apperr.FieldError{Key: "validation.required", Message: "is required"}
	// MinRuneLen/MaxRuneLen (the schemas' limits count characters) say
	// "… the required rune length", MinLen/MaxLen "… the required length".
	case strings.Contains(msg, "less than the required"):
		return apperr.FieldError{Key: "validation.tooShort", Message: "is empty or too short"}
	case strings.Contains(msg, "greater than the required"):
		return apperr.FieldError{Key: "validation.tooLong", Message: "is too long"}
	case strings.Contains(msg, "invalid enum value"):
		return apperr.FieldError{Key: "validation.invalidValue", Message: "is not one of the allowed values"}
	case strings.Contains(msg, "does not match validation"):
		return apperr.FieldError{Key: "validation.badFormat", Message: "has an invalid format"}
	}
	return apperr.FieldError{Key: "validation.invalid", Message: "is invalid"}
}

// inputName spells an ent field as the GraphQL input does: region_id →
// regionID, last_name → lastName.
func inputName(field string) string {
	parts := strings.Split(field, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] == "id" {
			parts[i] = "ID"
		} else if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func lastName(p ast.Path) string {
	for i := len(p) - 1; i >= 0; i-- {
		if n, ok := p[i].(ast.PathName); ok {
			return string(n)
		}
	}
	return ""
}

func set(out *gqlerror.Error, code apperr.Code, key, message string) {
	out.Message = message
	out.Extensions = map[string]any{"code": string(code), "key": key}
	if ru, ok := ruMessages[key]; ok {
		out.Extensions["messageRu"] = ru
	}
}

// setFields sets the error and, when there are any, extensions.fields
// (field → English message) and extensions.fieldKeys (field → message key),
// so forms can show each message beside its input.
func setFields(out *gqlerror.Error, code apperr.Code, key, message string, fields map[string]apperr.FieldError) {
	set(out, code, key, message)
	if len(fields) == 0 {
		return
	}
	msgs := make(map[string]any, len(fields))
	keys := make(map[string]any, len(fields))
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		msgs[name] = fields[name].Message
		keys[name] = fields[name].Key
	}
	out.Extensions["fields"] = msgs
	out.Extensions["fieldKeys"] = keys
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// Recover turns a panic in a resolver into an INTERNAL error, logging the
// panic with its stack (the client sees neither).
func Recover(ctx context.Context, p any) error {
	logging.FromContext(ctx).Error().
		Str("panic", fmt.Sprint(p)).
		Bytes("stack", debug.Stack()).
		Msg("graphql: panic in resolver")
	return errRecovered
}
