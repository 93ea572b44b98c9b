package connector

import (
	"net/http"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Answer is a vendor's answer to classify: one a live check received (its
// step, status, headers and body), or one a user pasted into diagnose
// (status when known, no headers, the text as Body).
type Answer struct {
	Step       string // token, api, refresh, redirect_uris …; "" from diagnose
	StatusCode int    // 0 when unknown
	Header     http.Header
	Body       []byte
}

// Decoder classifies a vendor's error answer into a Finding, or returns
// false when it does not recognise it. The live check and diagnose use the
// same decoder: one signature for both.
type Decoder func(Answer) (finding.Finding, bool)
