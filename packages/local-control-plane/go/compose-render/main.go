// compose-render runs the function-go-templating step of a Composition the way
// function-go-templating v0.11 does, for the local control plane and its tests.
//
// Upstream (crossplane-contrib/function-go-templating, fn.go and function_maps.go):
//   - the template data is the RunFunctionRequest marshalled with protojson and decoded
//     with k8s.io/apimachinery's json (whole numbers become int64); protojson leaves out
//     empty maps, so `.observed.resources` is absent on a new XR's first reconcile;
//   - text/template with sprig (minus env and expandenv) and the function's own extras;
//   - the output is split into YAML documents; each needs the
//     gotemplating.fn.crossplane.io/composition-resource-name annotation, except a document
//     of the XR's own kind, whose status is merged into the desired XR status;
//     gotemplating.fn.crossplane.io/ready sets the resource's readiness (True, False,
//     Unspecified); both annotations are removed from the rendered resource.
//
// Input (stdin, JSON): {"composition": {...}, "step": "optional step name",
//
//	"observed": {"composite": {"resource": {...}}, "resources": {"name": {"resource": {...},
//	"connectionDetails": {"key": "base64"}}}}, "context": {...}}
//
// Output (stdout, JSON): {"resources": {"name": {"resource": {...}, "ready": "True|False|Unspecified"}},
//
//	"order": ["name", ...], "compositeStatus": {...}}, or {"error": "..."} with exit status 1.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"regexp"
	"strings"
	"text/template"
	"time"

	sprig "github.com/Masterminds/sprig"
	yamlv2 "gopkg.in/yaml.v2"
	yamlv3 "gopkg.in/yaml.v3"
)

const (
	annotationResourceName = "gotemplating.fn.crossplane.io/composition-resource-name"
	annotationReady        = "gotemplating.fn.crossplane.io/ready"
	metaAPIVersion         = "meta.gotemplating.fn.crossplane.io/v1alpha1"
	goTemplateKind         = "GoTemplate"
)

type input struct {
	Composition map[string]any `json:"composition"`
	Step        string         `json:"step"`
	Observed    map[string]any `json:"observed"`
	Context     map[string]any `json:"context"`
}

type rendered struct {
	Resource map[string]any `json:"resource"`
	Ready    string         `json:"ready"`
}

type output struct {
	Resources       map[string]rendered `json:"resources"`
	Order           []string            `json:"order"`
	CompositeStatus map[string]any      `json:"compositeStatus"`
}

func fail(format string, args ...any) {
	out, _ := json.Marshal(map[string]string{"error": fmt.Sprintf(format, args...)})
	os.Stdout.Write(append(out, '\n'))
	os.Exit(1)
}

// decodeNumbers decodes JSON as k8s.io/apimachinery/pkg/util/json does: whole numbers as
// int64, others as float64.
func decodeNumbers(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return convertNumbers(v), nil
}

func convertNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = convertNumbers(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = convertNumbers(e)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

// pruneEmpty drops what protojson leaves out: empty maps of the request messages
// (observed.resources, connectionDetails, context).
func requestMap(in input, goTemplate map[string]any) map[string]any {
	observed := map[string]any{}
	if c, ok := in.Observed["composite"].(map[string]any); ok && len(c) > 0 {
		composite := map[string]any{}
		if r, ok := c["resource"]; ok {
			composite["resource"] = r
		}
		if cd, ok := c["connectionDetails"].(map[string]any); ok && len(cd) > 0 {
			composite["connectionDetails"] = cd
		}
		observed["composite"] = composite
	}
	if rs, ok := in.Observed["resources"].(map[string]any); ok && len(rs) > 0 {
		resources := map[string]any{}
		for name, raw := range rs {
			r, _ := raw.(map[string]any)
			entry := map[string]any{}
			if res, ok := r["resource"]; ok {
				entry["resource"] = res
			}
			if cd, ok := r["connectionDetails"].(map[string]any); ok && len(cd) > 0 {
				entry["connectionDetails"] = cd
			}
			resources[name] = entry
		}
		observed["resources"] = resources
	}
	req := map[string]any{
		"observed": observed,
		"desired":  map[string]any{},
		"input":    goTemplate,
	}
	if len(in.Context) > 0 {
		req["context"] = in.Context
	}
	// A JSON round trip gives the template exactly what protojson + util/json would.
	data, _ := json.Marshal(req)
	decoded, err := decodeNumbers(data)
	if err != nil {
		fail("cannot convert request to map: %v", err)
	}
	return decoded.(map[string]any)
}

func findStep(composition map[string]any, step string) map[string]any {
	spec, _ := composition["spec"].(map[string]any)
	pipeline, _ := spec["pipeline"].([]any)
	for _, raw := range pipeline {
		s, _ := raw.(map[string]any)
		in, _ := s["input"].(map[string]any)
		if in == nil || in["kind"] != goTemplateKind {
			continue
		}
		if step == "" || s["step"] == step {
			return in
		}
	}
	fail("composition has no function-go-templating step %q", step)
	return nil
}

// ---- the function's template extras (function_maps.go), written for this tool ----

type condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Reason             string `json:"reason,omitempty"`
	Message            string `json:"message,omitempty"`
	LastTransitionTime string `json:"lastTransitionTime,omitempty"`
	ObservedGeneration int64  `json:"observedGeneration,omitempty"`
}

func lookup(m map[string]any, path ...string) (any, bool) {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func getResourceCondition(ct string, res map[string]any) condition {
	conds, ok := lookup(res, "resource", "status", "conditions")
	if !ok {
		conds, _ = lookup(res, "status", "conditions")
	}
	list, _ := conds.([]any)
	for _, raw := range list {
		c, _ := raw.(map[string]any)
		if c["type"] == ct {
			data, _ := json.Marshal(c)
			var out condition
			if json.Unmarshal(data, &out) == nil {
				return out
			}
		}
	}
	return condition{Type: ct, Status: "Unknown"}
}

func getComposedResource(req map[string]any, name string) map[string]any {
	r, _ := lookup(req, "observed", "resources", name, "resource")
	m, _ := r.(map[string]any)
	return m
}

func getCompositeResource(req map[string]any) map[string]any {
	r, _ := lookup(req, "observed", "composite", "resource")
	m, _ := r.(map[string]any)
	return m
}

func getExtraResources(req map[string]any, name string) []any {
	r, _ := lookup(req, "extraResources", name, "items")
	l, _ := r.([]any)
	return l
}

func newTemplate(delims map[string]any) *template.Template {
	tpl := template.New("manifests")
	if l, ok := delims["left"].(string); ok {
		if r, ok := delims["right"].(string); ok {
			tpl = tpl.Delims(l, r)
		}
	}
	tpl.Funcs(template.FuncMap{
		"randomChoice": func(choices ...string) string {
			return choices[rand.New(rand.NewSource(time.Now().UnixNano())).Intn(len(choices))]
		},
		"toYaml": func(v any) (string, error) {
			out, err := yamlv3.Marshal(v)
			return string(out), err
		},
		"fromYaml": func(s string) (any, error) {
			var out any
			err := yamlv3.Unmarshal([]byte(s), &out)
			return out, err
		},
		"getResourceCondition": getResourceCondition,
		"setResourceNameAnnotation": func(name string) string {
			return annotationResourceName + ": " + name
		},
		"getComposedResource":  getComposedResource,
		"getCompositeResource": getCompositeResource,
		"getExtraResources":    getExtraResources,
	})
	depth := map[string]int{}
	tpl.Funcs(template.FuncMap{"include": func(name string, data any) (string, error) {
		if depth[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		depth[name]++
		defer func() { depth[name]-- }()
		var buf strings.Builder
		err := tpl.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}})
	funcs := sprig.FuncMap()
	// As upstream: env and expandenv could leak the function's environment.
	delete(funcs, "env")
	delete(funcs, "expandenv")
	tpl.Funcs(template.FuncMap(funcs))
	return tpl
}

// ---- parsing the rendered manifests like k8s.io/apimachinery's YAMLOrJSONDecoder ----

var separator = regexp.MustCompile(`(?m)^---\s*$`)

func jsonify(v any) any {
	switch t := v.(type) {
	case map[any]any:
		out := map[string]any{}
		for k, e := range t {
			out[fmt.Sprint(k)] = jsonify(e)
		}
		return out
	case map[string]any:
		for k, e := range t {
			t[k] = jsonify(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = jsonify(e)
		}
		return t
	case int:
		return int64(t)
	}
	return v
}

func parseDocuments(text string) []map[string]any {
	var objs []map[string]any
	for i, doc := range separator.Split(text, -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var raw any
		if err := yamlv2.Unmarshal([]byte(doc), &raw); err != nil {
			fail("cannot decode manifest %d: %v", i, err)
		}
		if raw == nil {
			continue
		}
		obj, ok := jsonify(raw).(map[string]any)
		if !ok {
			fail("cannot decode manifest %d: not an object", i)
		}
		objs = append(objs, obj)
	}
	return objs
}

func mergeOverride(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeOverride(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("cannot read input: %v", err)
	}
	var in input
	if err := json.Unmarshal(data, &in); err != nil {
		fail("cannot parse input: %v", err)
	}
	goTemplate := findStep(in.Composition, in.Step)
	if goTemplate["source"] != "Inline" {
		fail("only source Inline is supported, got %v", goTemplate["source"])
	}
	inline, _ := goTemplate["inline"].(map[string]any)
	text, _ := inline["template"].(string)
	delims, _ := goTemplate["delims"].(map[string]any)

	tpl, err := newTemplate(delims).Parse(text)
	if err != nil {
		fail("invalid function input: cannot parse the provided templates: %v", err)
	}
	req := requestMap(in, goTemplate)
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, req); err != nil {
		fail("cannot execute template: %v", err)
	}

	xr, _ := lookup(req, "observed", "composite", "resource")
	xrMap, _ := xr.(map[string]any)
	out := output{Resources: map[string]rendered{}, Order: []string{}, CompositeStatus: map[string]any{}}
	for _, obj := range parseDocuments(buf.String()) {
		meta, _ := obj["metadata"].(map[string]any)
		annotations := map[string]string{}
		if raw, ok := meta["annotations"]; ok && raw != nil {
			am, ok := raw.(map[string]any)
			if !ok {
				fail("invalid annotations in resource %v %v", obj["apiVersion"], obj["kind"])
			}
			for k, v := range am {
				s, ok := v.(string)
				if !ok {
					fail("invalid annotations in resource '%v/%v resource-name=%v': annotation %s is not a string", obj["apiVersion"], obj["kind"], am[annotationResourceName], k)
				}
				annotations[k] = s
			}
		}
		name, named := annotations[annotationResourceName]
		if xrMap != nil && obj["apiVersion"] == xrMap["apiVersion"] && obj["kind"] == xrMap["kind"] && !named {
			if status, ok := obj["status"].(map[string]any); ok {
				mergeOverride(out.CompositeStatus, status)
			}
			continue
		}
		if obj["apiVersion"] == metaAPIVersion {
			switch obj["kind"] {
			case "CompositeConnectionDetails", "Context", "ExtraResources":
				continue
			default:
				fail("invalid kind %q for apiVersion %q - must be one of CompositeConnectionDetails, Context or ExtraResources", obj["kind"], metaAPIVersion)
			}
		}
		ready := "Unspecified"
		if v, ok := annotations[annotationReady]; ok {
			if v != "True" && v != "False" && v != "Unspecified" {
				fail("invalid function input: invalid %q annotation value %q: must be True, False, or Unspecified", annotationReady, v)
			}
			ready = v
			delete(meta["annotations"].(map[string]any), annotationReady)
		}
		if !named {
			fail("%q template is missing required %q annotation", obj["kind"], annotationResourceName)
		}
		delete(meta["annotations"].(map[string]any), annotationResourceName)
		if len(meta["annotations"].(map[string]any)) == 0 {
			delete(meta, "annotations")
		}
		if _, seen := out.Resources[name]; !seen {
			out.Order = append(out.Order, name)
		}
		out.Resources[name] = rendered{Resource: obj, Ready: ready}
	}
	result, err := json.Marshal(out)
	if err != nil {
		fail("cannot encode output: %v", err)
	}
	os.Stdout.Write(append(result, '\n'))
}
