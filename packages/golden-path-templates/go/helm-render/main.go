// helm-render renders a Helm chart's templates the way `helm template` does, for the golden-path
// template tests (this machine has no Helm). It uses the same engine as Helm: Go's text/template
// with sprig, minus env and expandenv, plus Helm's own functions (include, tpl, required, fail,
// toYaml, fromYaml, toJson, fromJson, lookup) and built-in objects (.Values, .Chart, .Release,
// .Capabilities, .Template), as helm.sh/helm/v3/pkg/engine (engine.go, funcs.go) defines them:
//   - every file under templates/ is parsed into one set named <chart>/templates/<file>; files whose
//     name starts with "_" are partials and NOTES.txt is not a manifest, so neither is output;
//   - a missing key renders as the zero value and "<no value>" is removed from the output;
//   - values files are coalesced in order: maps merge key by key, later files win, null deletes.
// Differences from Helm that the tests do not depend on: sprig v2 (Debian's package) instead of v3,
// no .Files, no subcharts, no values.schema.json, lookup always returns an empty map (as in
// `helm template`).
//
// Input (stdin, JSON): {"chartYaml": "...", "templates": {"templates/x.yaml": "..."},
//
//	"valuesFiles": ["...", ...], "release": {"name": "...", "namespace": "..."},
//	"apiVersions": ["apps/v1", ...]}
//
// Output (stdout, JSON): {"manifests": [{"source": "templates/x.yaml", "content": "..."}]}, or
// {"error": "..."} with exit status 1.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"text/template"

	sprig "github.com/Masterminds/sprig"
	yamlv2 "gopkg.in/yaml.v2"
)

type input struct {
	ChartYaml   string            `json:"chartYaml"`
	Templates   map[string]string `json:"templates"`
	ValuesFiles []string          `json:"valuesFiles"`
	Release     struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"release"`
	APIVersions []string `json:"apiVersions"`
}

type manifest struct {
	Source  string `json:"source"`
	Content string `json:"content"`
}

func fail(format string, args ...any) {
	out, _ := json.Marshal(map[string]string{"error": fmt.Sprintf(format, args...)})
	os.Stdout.Write(append(out, '\n'))
	os.Exit(1)
}

// VersionSet is .Capabilities.APIVersions; templates ask it `.Has "group/version"` (or
// "group/version/Kind"), as Helm's chartutil.VersionSet answers.
type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// normalize turns what yaml.v2 decodes (map[interface{}]interface{}) into JSON-like values, as
// Helm's values (decoded through sigs.k8s.io/yaml) are.
func normalize(v any) any {
	switch t := v.(type) {
	case map[any]any:
		m := map[string]any{}
		for k, val := range t {
			m[fmt.Sprint(k)] = normalize(val)
		}
		return m
	case []any:
		for i := range t {
			t[i] = normalize(t[i])
		}
		return t
	default:
		return v
	}
}

// coalesce merges src into dst as Helm coalesces values files: nested maps merge, anything else
// replaces, and null deletes the key.
func coalesce(dst, src map[string]any) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		sv, srcIsMap := v.(map[string]any)
		dv, dstIsMap := dst[k].(map[string]any)
		if srcIsMap && dstIsMap {
			coalesce(dv, sv)
		} else {
			dst[k] = v
		}
	}
}

// toYAML mirrors Helm's toYaml: sigs.k8s.io/yaml marshals through JSON, so keys are sorted and
// numbers keep their JSON form; the trailing newline is trimmed.
func toYAML(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var generic any
	if err := yamlv2.Unmarshal(data, &generic); err != nil {
		return ""
	}
	out, err := yamlv2.Marshal(generic)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(out), "\n")
}

func chartObject(chartYaml string) (map[string]any, string) {
	var raw any
	if err := yamlv2.Unmarshal([]byte(chartYaml), &raw); err != nil {
		fail("Chart.yaml: %v", err)
	}
	meta, _ := normalize(raw).(map[string]any)
	chart := map[string]any{}
	for k, v := range meta {
		key := strings.ToUpper(k[:1]) + k[1:]
		if k == "apiVersion" {
			key = "APIVersion"
		}
		chart[key] = v
	}
	name, _ := meta["name"].(string)
	if name == "" {
		fail("Chart.yaml: name is required")
	}
	return chart, name
}

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading input: %v", err)
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		fail("input is not JSON: %v", err)
	}
	chart, chartName := chartObject(in.ChartYaml)

	values := map[string]any{}
	for i, file := range in.ValuesFiles {
		var doc any
		if err := yamlv2.Unmarshal([]byte(file), &doc); err != nil {
			fail("values file %d: %v", i+1, err)
		}
		if m, ok := normalize(doc).(map[string]any); ok {
			coalesce(values, m)
		}
	}

	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	root := template.New("gotpl").Option("missingkey=zero")
	includedNames := map[string]int{}
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = func(s string) map[string]any {
		var doc any
		if err := yamlv2.Unmarshal([]byte(s), &doc); err != nil {
			return map[string]any{"Error": err.Error()}
		}
		m, _ := normalize(doc).(map[string]any)
		return m
	}
	funcs["toJson"] = func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	funcs["fromJson"] = func(s string) map[string]any {
		m := map[string]any{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["required"] = func(message string, v any) (any, error) {
		if v == nil {
			return v, errors.New(message)
		}
		if s, ok := v.(string); ok && s == "" {
			return v, errors.New(message)
		}
		return v, nil
	}
	funcs["fail"] = func(message string) (string, error) { return "", errors.New(message) }
	funcs["lookup"] = func(string, string, string, string) (map[string]any, error) {
		return map[string]any{}, nil
	}
	funcs["include"] = func(name string, data any) (string, error) {
		// Helm bounds recursion the same way (1000 nested includes).
		if includedNames[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		includedNames[name]++
		defer func() { includedNames[name]-- }()
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data any) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	root.Funcs(funcs)

	paths := make([]string, 0, len(in.Templates))
	for p := range in.Templates {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		name := path.Join(chartName, p)
		if _, err := root.New(name).Parse(in.Templates[p]); err != nil {
			fail("parse error in %s: %v", name, err)
		}
	}

	apiVersions := VersionSet(in.APIVersions)
	manifests := []manifest{}
	for _, p := range paths {
		base := path.Base(p)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		name := path.Join(chartName, p)
		data := map[string]any{
			"Values": values,
			"Chart":  chart,
			"Release": map[string]any{
				"Name":      in.Release.Name,
				"Namespace": in.Release.Namespace,
				"IsInstall": true,
				"IsUpgrade": false,
				"Revision":  1,
				"Service":   "Helm",
			},
			"Capabilities": map[string]any{
				"APIVersions": apiVersions,
				"KubeVersion": map[string]any{"Version": "v1.33.0", "Major": "1", "Minor": "33"},
			},
			"Template": map[string]any{"Name": name, "BasePath": path.Join(chartName, "templates")},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			fail("%v", err)
		}
		content := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(content) == "" {
			continue
		}
		manifests = append(manifests, manifest{Source: p, Content: content})
	}
	out, _ := json.Marshal(map[string]any{"manifests": manifests})
	os.Stdout.Write(append(out, '\n'))
}
