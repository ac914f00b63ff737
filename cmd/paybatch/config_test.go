package main

import (
	"strings"
	"testing"

	"github.com/paybatch/paybatch/samples"
)

func TestDemoConfigIsValid(t *testing.T) {
	c, err := parseConfig("demo", samples.DemoConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Sandbox.Enabled || len(c.Providers) != 4 || c.location == nil {
		t.Fatalf("demo config: %+v", c)
	}
	for _, name := range []string{"p100", "wirex", "solaris", "smoney"} {
		if c.Providers[name].Type != name {
			t.Errorf("provider %s has type %q", name, c.Providers[name].Type)
		}
	}
}

func TestConfigEnvInValuesOnly(t *testing.T) {
	t.Setenv("PB_TEST_KEY", "s3cret")
	raw := `
# a comment mentioning ${NOT_SET_ANYWHERE} must not matter
sandbox: {enabled: true}
providers:
  p100:
    type: p100
    options: {api_key: "${PB_TEST_KEY}"}
`
	c, err := parseConfig("t", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	var o p100Options
	if err := decodeOptions("p100", c.Providers["p100"].Options, &o); err != nil {
		t.Fatal(err)
	}
	if o.APIKey != "s3cret" {
		t.Fatalf("api_key = %q", o.APIKey)
	}
	if s := o.APIKey.String(); strings.Contains(s, "s3cret") {
		t.Fatalf("a secret prints: %q", s)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"sandbox: {enabled: true}\nproviders: {x: {type: paypal}}", "providers.x.type"},
		{"providers: {x: {type: solaris}}", "providers.x.base_url: required"},
		{"sandbox: {enabled: true}\nproviders: {x: {type: solaris, base_url: 'https://api.example'}}", "never falls back to the sandbox"},
		{"sandbox: {enabled: true}\nproviders: {x: {type: solaris}}\nroutes: [{name: r, provider: y}]", `routes[0] (r).provider: unknown provider "y"`},
		{"sandbox: {enabled: true}\nproviders: {x: {type: solaris}}\ntimezone: Mars/Olympus", "timezone"},
		{"sandbox: {enabled: true}\nproviders: {x: {type: solaris}}\nsftp: [{host: h, user: u, inbox: /in, key_file: k}]", "host keys are always verified"},
		{"sandbox: {enabled: true}\nprovidres: {}", "field providres not found"},
		{"sandbox: {enabled: true}\nproviders: {x: {type: solaris, options: {client_secret: '${PB_UNSET_VAR_1}'}}}", "PB_UNSET_VAR_1"},
	} {
		_, err := parseConfig("t", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want it to mention %q", tt.yaml, err, tt.want)
		}
	}
}
