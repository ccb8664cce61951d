package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/civicgraph/civicgraph/internal/importer"
)

// source is what one input file contributes: showroom pages, which are
// merged with each other, or user records, which are taken as they are.
type source struct {
	page *importer.Page
	recs []*importer.Record
	skip bool // read with another file (the edge table of a graph export)
}

// reader reads one input file.
type reader func(path string) (source, error)

// readers chooses the reader by file extension: the formats `civicgraph
// import` accepts (internal/importer/FORMAT.md). A new format is one
// entry here.
var readers = map[string]reader{
	".txt":   readPage,
	".jsonl": readJSONL,
	".csv":   readCSV,
}

// Extensions lists the accepted file extensions, sorted.
func Extensions() []string {
	out := make([]string, 0, len(readers))
	for e := range readers {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// readerFor is the reader of a file's extension; a file named on the
// command line with another extension is read as a showroom page.
func readerFor(path string) reader {
	if r, ok := readers[strings.ToLower(filepath.Ext(path))]; ok {
		return r
	}
	return readPage
}

func readPage(path string) (source, error) {
	p, err := importer.ParseFile(path)
	return source{page: p}, err
}

func readJSONL(path string) (source, error) {
	fh, err := os.Open(path)
	if err != nil {
		return source{}, err
	}
	defer fh.Close()
	recs, err := importer.ReadJSONL(fh)
	return source{recs: recs}, err
}

// readCSV reads a user CSV file, or a graph node table exported by
// civicgraph (Id, Label, …) together with the edge table beside it (its
// name with "nodes" replaced by "edges"). An edge table alone is skipped:
// it is read with its node table.
func readCSV(path string) (source, error) {
	fh, err := os.Open(path)
	if err != nil {
		return source{}, err
	}
	defer fh.Close()
	header, _ := csv.NewReader(bufio.NewReader(fh)).Read()
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return source{}, err
	}
	switch {
	case importer.IsGraphEdgesHeader(header):
		return source{skip: true}, nil
	case importer.IsGraphNodesHeader(header):
		dir, base := filepath.Split(path)
		edgesPath := filepath.Join(dir, strings.Replace(base, "nodes", "edges", 1))
		if edgesPath == path {
			return source{}, fmt.Errorf("a graph node table needs its edge table beside it, named like it with edges for nodes")
		}
		ef, err := os.Open(edgesPath)
		if err != nil {
			return source{}, fmt.Errorf("graph node table without its edge table: %w", err)
		}
		defer ef.Close()
		recs, err := importer.ReadGraphCSV(fh, ef)
		return source{recs: recs}, err
	}
	recs, err := importer.ReadCSV(fh)
	return source{recs: recs}, err
}

// Input is what reading the paths produced.
type Input struct {
	// Records are the merged records: pages merged with each other, then
	// user records, a user record replacing the page record of its key.
	Records     []*importer.Record
	Files       int
	UserRecords int
	Stats       importer.MergeStats
	// Errs are per-file or per-line problems; the rest was read.
	Errs error
	// Warnings are what the page reader repaired or left out (truncated
	// lines, repeated blocks, a title without its description, a page
	// with no initiative on it), page by page in file order.
	Warnings []PageWarning
}

// PageWarning is one thing the page reader repaired or left out.
type PageWarning struct {
	Path string // the page's file
	Msg  string // "line N: …", or without a line for the whole page
}

// Read reads every path (a directory recursively, README.txt files
// left out) with the reader of its extension, then merges the records.
// A path that does not exist, or paths without any input file, is an
// error; a file that fails to parse is reported in Input.Errs and the
// others are still read.
func Read(paths []string) (Input, error) {
	files, err := inputFiles(paths)
	if err != nil {
		return Input{}, err
	}
	var in Input
	var pages []*importer.Page
	var user []*importer.Record
	var errs []error
	for _, f := range files {
		in.Files++
		src, err := readerFor(f)(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
		}
		switch {
		case src.skip:
		case src.page != nil:
			if err == nil { // a page that failed to parse is left out whole
				pages = append(pages, src.page)
			}
		default: // user records: the lines that parsed
			user = append(user, src.recs...)
		}
	}
	in.Records, in.Stats = mergeSources(pages, user)
	for _, p := range pages { // after the merge, which adds its own
		for _, w := range p.Warnings {
			in.Warnings = append(in.Warnings, PageWarning{Path: p.Path, Msg: w})
		}
	}
	in.UserRecords = len(user)
	in.Errs = errors.Join(errs...)
	return in, nil
}

// inputFiles lists the files to read, sorted: files named as such (of any
// extension the table knows, or as pages otherwise), and under
// directories the files of a known extension.
func inputFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if _, ok := readers[strings.ToLower(filepath.Ext(path))]; ok && !d.IsDir() && !strings.EqualFold(d.Name(), "README.txt") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no %s files under %s", strings.Join(Extensions(), ", "), strings.Join(paths, ", "))
	}
	sort.Strings(files)
	return files, nil
}

// mergeSources merges the pages into records, then adds the user records:
// a user record with the key of a page record replaces it (users
// override pages), and a later user record replaces an earlier one of
// the same key.
func mergeSources(pages []*importer.Page, user []*importer.Record) ([]*importer.Record, importer.MergeStats) {
	recs, st := importer.Merge(pages)
	byKey := make(map[string]int, len(recs))
	for i, r := range recs {
		byKey[r.Key] = i
	}
	for _, u := range user {
		if i, ok := byKey[u.Key]; ok {
			recs[i] = u
		} else {
			byKey[u.Key] = len(recs)
			recs = append(recs, u)
		}
	}
	return recs, st
}
