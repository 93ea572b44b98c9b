package diagnose

import (
	"strings"
	"testing"
)

// Speed is measured here, never asserted in timed tests.
func BenchmarkDiagnoseHuge(b *testing.B) {
	inputs := map[string]string{
		"json":    `{"error":"invalid_grant","error_description":"Invalid refresh token","pad":"` + strings.Repeat("x{[", MaxMessage) + `"}`,
		"braces":  strings.Repeat("{", MaxMessage),
		"objects": strings.Repeat(`{"a":`, MaxMessage/5),
		"words":   strings.Repeat("token Bearer eyJ abc ", MaxMessage/16),
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				Diagnose(nil, "", 0, in)
			}
		})
	}
}

func BenchmarkDiagnoseTypical(b *testing.B) {
	for b.Loop() {
		Diagnose(nil, "", 401, entraExpired)
	}
}
