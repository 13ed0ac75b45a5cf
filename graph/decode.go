package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// request is the one shape a GraphQL request body may have.
type request struct {
	Query         *string         `json:"query"`
	OperationName *string         `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
}

// DecodeRequest checks that body is one GraphQL request: a JSON object with
// a non-empty query string, an optional operation name, and variables and
// extensions that are objects (or null). A batch (a JSON array) is refused:
// each operation must come alone, so limits and sign-in apply to each.
func DecodeRequest(body []byte) error {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		return errBatch
	}
	var req request
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil || dec.More() || len(body) == 0 || body[0] != '{' {
		return errMalformed
	}
	if _, err := dec.Token(); err != io.EOF {
		return errMalformed
	}
	if req.Query == nil || *req.Query == "" {
		return errNoQuery
	}
	for _, raw := range []json.RawMessage{req.Variables, req.Extensions} {
		if t := bytes.TrimSpace(raw); len(t) > 0 && !bytes.Equal(t, []byte("null")) && t[0] != '{' {
			return errMalformed
		}
	}
	return nil
}

var (
	errBatch     = badRequest("request.batch", "batches are not supported: send one operation per request")
	errMalformed = badRequest("request.malformed", "the body is not a GraphQL request: a JSON object with query, operationName, variables, extensions")
	errNoQuery   = badRequest("request.noQuery", "the request has no query")
)

// requestError is a request refused before GraphQL sees it.
type requestError struct{ key, msg string }

func (e *requestError) Error() string { return e.msg }

func badRequest(key, msg string) error { return &requestError{key, msg} }

// StrictPOST is gqlgen's POST transport behind DecodeRequest: a malformed
// body gets 400 BAD_REQUEST and never reaches the executor.
type StrictPOST struct{ transport.POST }

// Do checks the body, then runs the request.
func (t StrictPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = DecodeRequest(body)
	} else {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			httperror.Write(w, r, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "request.tooLarge", "the request body is too large")
			return
		}
		err = errMalformed
	}
	var re *requestError
	if errors.As(err, &re) {
		httperror.Write(w, r, http.StatusBadRequest, "BAD_REQUEST", re.key, re.msg)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.POST.Do(w, r, exec)
}

// Supports is POST's, plus a body without a content type is still ours to
// refuse rather than nobody's.
func (t StrictPOST) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json" || t.POST.Supports(r)
}

// StrictGET is gqlgen's GET transport behind the same checks as StrictPOST.
type StrictGET struct{ transport.GET }

// Do checks the query string, then runs the request.
func (t StrictGET) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	q := r.URL.Query()
	req := map[string]any{"query": q.Get("query")}
	if name := q.Get("operationName"); name != "" {
		req["operationName"] = name
	}
	for _, k := range []string{"variables", "extensions"} {
		if v := q.Get(k); v != "" {
			if !json.Valid([]byte(v)) {
				httperror.Write(w, r, http.StatusBadRequest, "BAD_REQUEST", "request.malformed", k+" is not valid JSON")
				return
			}
			req[k] = json.RawMessage(v)
		}
	}
	body, _ := json.Marshal(req)
	var re *requestError
	if err := DecodeRequest(body); errors.As(err, &re) {
		httperror.Write(w, r, http.StatusBadRequest, "BAD_REQUEST", re.key, re.msg)
		return
	}
	t.GET.Do(w, r, exec)
}

// MaxOperationsBytes caps the operations part of a multipart request (the
// query and its variables; the file parts come after it).
const MaxOperationsBytes = 1 << 20

// StrictMultipart is gqlgen's multipart transport behind a cap on its
// operations part: a 6 MB query in a multipart form is refused after 1 MiB
// is read, not decoded whole. The bytes read to check it are replayed to the
// transport.
type StrictMultipart struct{ transport.MultipartForm }

// Do checks the operations part, then runs the request.
func (t StrictMultipart) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		httperror.Write(w, r, http.StatusBadRequest, "BAD_REQUEST", "request.malformed", "the multipart body has no boundary")
		return
	}
	limit := t.MaxUploadSize
	if limit <= 0 {
		limit = MaxUploadBytes
	}
	w = limitUpload(w, r, limit)
	var seen bytes.Buffer
	mr := multipart.NewReader(io.TeeReader(r.Body, &seen), params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "operations" {
		httperror.Write(w, r, http.StatusBadRequest, "BAD_REQUEST", "request.malformed", "the first part of a multipart request must be operations")
		return
	}
	n, err := io.Copy(io.Discard, io.LimitReader(part, MaxOperationsBytes+1))
	if n > MaxOperationsBytes {
		httperror.Write(w, r, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "request.tooLarge", "the operations part is larger than 1 MiB")
		return
	}
	if err != nil {
		httperror.Write(w, r, http.StatusBadRequest, "BAD_REQUEST", "request.malformed", "the multipart body could not be read")
		return
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(seen.Bytes()), r.Body), r.Body}
	t.MultipartForm.Do(w, r, exec)
}
