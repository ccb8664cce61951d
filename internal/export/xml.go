package export

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"strconv"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// xmlWriter writes escaped XML text to a buffered writer and remembers
// the first error.
type xmlWriter struct {
	w   *bufio.Writer
	err error
}

func newXMLWriter(w io.Writer) *xmlWriter { return &xmlWriter{w: bufio.NewWriterSize(w, 32<<10)} }

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// text writes s escaped for an attribute value or element text; characters
// XML 1.0 does not allow become U+FFFD (encoding/xml's rule).
func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

func (x *xmlWriter) attr(name, value string) {
	x.raw(" " + name + `="`)
	x.text(value)
	x.raw(`"`)
}

func (x *xmlWriter) flush() error {
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// WriteGEXF writes GEXF 1.3 (Gephi's format): a directed, dynamic graph
// whose time is the award year (timeformat integer). Initiatives carry a
// spell per award year, year nodes and AWARDED edges their year, so
// Gephi's timeline replays the awards; cities, countries and themes have
// no spell (always present). Attributes are declared with their types.
func WriteGEXF(ctx context.Context, w io.Writer, src Source, o Options) error {
	x := newXMLWriter(w)
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">` + "\n")
	x.raw(`<meta><creator>civicgraph</creator><description>Political-innovation initiatives with their cities, countries, themes and award years</description></meta>` + "\n")
	x.raw(`<graph defaultedgetype="directed" mode="dynamic" timeformat="integer" timerepresentation="interval">` + "\n")
	gexfAttrs(x, "node", nodeAttrs)
	// weight is GEXF's own edge attribute, not declared.
	gexfAttrs(x, "edge", append(edgeAttrs[:1:1], edgeAttrs[2:]...))
	x.raw("<nodes>\n")
	sink := &gexfSink{x: x}
	if err := walkGraph(ctx, src, o, sink); err != nil {
		return err
	}
	return x.flush()
}

func gexfAttrs(x *xmlWriter, class string, as []attr) {
	x.raw(`<attributes class="` + class + `" mode="static">` + "\n")
	for _, a := range as {
		x.raw(`<attribute id="` + a.name + `" title="` + a.name + `" type="` + gexfType(a.typ) + `"/>` + "\n")
	}
	x.raw("</attributes>\n")
}

func gexfType(t string) string {
	if t == "long" {
		return "long"
	}
	return t // string, double, integer, boolean are GEXF names too
}

type gexfSink struct {
	x     *xmlWriter
	edges int
}

func (s *gexfSink) node(n Node) error {
	x := s.x
	x.raw("<node")
	x.attr("id", n.ID)
	x.attr("label", n.Label)
	x.raw("><attvalues>")
	for i, v := range n.values() {
		if v == "" {
			continue
		}
		x.raw(`<attvalue for="` + nodeAttrs[i].name + `"`)
		x.attr("value", v)
		x.raw("/>")
	}
	x.raw("</attvalues>")
	if len(n.Years) > 0 && (n.Kind == domain.KindInitiative || n.Kind == domain.KindYear) {
		x.raw("<spells>")
		for _, y := range n.Years {
			ys := strconv.Itoa(y)
			x.raw(`<spell start="` + ys + `" end="` + ys + `"/>`)
		}
		x.raw("</spells>")
	}
	x.raw("</node>\n")
	return x.err
}

func (s *gexfSink) startEdges() error {
	s.x.raw("</nodes>\n<edges>\n")
	return s.x.err
}

func (s *gexfSink) edge(e Edge) error {
	x := s.x
	x.raw(`<edge id="e` + strconv.Itoa(s.edges) + `"`)
	s.edges++
	x.attr("source", e.Source)
	x.attr("target", e.Target)
	x.attr("label", e.Type)
	x.attr("weight", fmtFloat(e.Weight))
	if e.Year > 0 {
		ys := strconv.Itoa(e.Year)
		x.raw(` start="` + ys + `" end="` + ys + `"`)
	}
	x.raw("><attvalues>")
	vals := e.values()
	for i, v := range vals {
		if v == "" || i == 1 { // weight is the edge's own attribute
			continue
		}
		x.raw(`<attvalue for="` + edgeAttrs[i].name + `"`)
		x.attr("value", v)
		x.raw("/>")
	}
	x.raw("</attvalues></edge>\n")
	return x.err
}

func (s *gexfSink) end() error {
	s.x.raw("</edges>\n</graph>\n</gexf>\n")
	return s.x.err
}

// WriteGraphML writes GraphML with typed keys (attr.type boolean, int,
// long, double, string) for every node and edge attribute; the node
// label is the key "label", the relationship type the edge key "type".
func WriteGraphML(ctx context.Context, w io.Writer, src Source, o Options) error {
	x := newXMLWriter(w)
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	x.raw(`<key id="n_label" for="node" attr.name="label" attr.type="string"/>` + "\n")
	for _, a := range nodeAttrs {
		x.raw(`<key id="n_` + a.name + `" for="node" attr.name="` + a.name + `" attr.type="` + graphmlType(a.typ) + `"/>` + "\n")
	}
	for _, a := range edgeAttrs {
		x.raw(`<key id="e_` + a.name + `" for="edge" attr.name="` + a.name + `" attr.type="` + graphmlType(a.typ) + `"/>` + "\n")
	}
	x.raw(`<graph id="civicgraph" edgedefault="directed">` + "\n")
	if err := walkGraph(ctx, src, o, &graphmlSink{x: x}); err != nil {
		return err
	}
	return x.flush()
}

func graphmlType(t string) string {
	if t == "integer" {
		return "int"
	}
	return t
}

type graphmlSink struct {
	x     *xmlWriter
	edges int
}

func (s *graphmlSink) node(n Node) error {
	x := s.x
	x.raw("<node")
	x.attr("id", n.ID)
	x.raw(`><data key="n_label">`)
	x.text(n.Label)
	x.raw("</data>")
	for i, v := range n.values() {
		if v == "" {
			continue
		}
		x.raw(`<data key="n_` + nodeAttrs[i].name + `">`)
		x.text(v)
		x.raw("</data>")
	}
	x.raw("</node>\n")
	return x.err
}

func (s *graphmlSink) startEdges() error { return s.x.err }

func (s *graphmlSink) edge(e Edge) error {
	x := s.x
	x.raw(`<edge id="e` + strconv.Itoa(s.edges) + `"`)
	s.edges++
	x.attr("source", e.Source)
	x.attr("target", e.Target)
	x.raw(">")
	for i, v := range e.values() {
		if v == "" {
			continue
		}
		x.raw(`<data key="e_` + edgeAttrs[i].name + `">`)
		x.text(v)
		x.raw("</data>")
	}
	x.raw("</edge>\n")
	return x.err
}

func (s *graphmlSink) end() error {
	s.x.raw("</graph>\n</graphml>\n")
	return s.x.err
}
