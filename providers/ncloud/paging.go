package ncloud

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// pageSize is large so that a 1,000-server fleet refreshes in one page.
const pageSize = 1000

// pageFetches is how many pages of one list are fetched at once after the
// first: decoding one page overlaps with the cloud answering the next.
const pageFetches = 4

// listAll pages through a list operation. Page 1 tells totalRows; the rest
// are then fetched concurrently (pageFetches at a time, within the request
// budget) and returned in page order. build makes the filters of each page;
// rows decodes one answer's length and totalRows. A short or empty page ends
// the list early, as a cloud whose list shrank between pages would.
func listAll[T any](ctx context.Context, c *client, op string, build func() *form, rows func(*T) (int, int)) ([]T, error) {
	fetch := func(ctx context.Context, pageNo int) (T, int, int, error) {
		var out T
		f := build().setInt("pageNo", pageNo).setInt("pageSize", pageSize)
		if err := c.call(ctx, op, f, &out); err != nil {
			return out, 0, 0, err
		}
		n, total := rows(&out)
		return out, n, total, nil
	}
	first, n, total, err := fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	pages := []T{first}
	if n == 0 || n < pageSize || n >= total {
		return pages, nil
	}
	count := (total + pageSize - 1) / pageSize
	rest := make([]T, count-1)
	lens := make([]int, count-1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pageFetches)
	for i := range rest {
		g.Go(func() error {
			out, n, _, err := fetch(gctx, i+2)
			rest[i], lens[i] = out, n
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, page := range rest {
		pages = append(pages, page)
		if lens[i] < pageSize {
			break
		}
	}
	return pages, nil
}

func (c *client) servers(ctx context.Context, build func() *form) ([]serverInstance, error) {
	pages, err := listAll(ctx, c, "getServerInstanceList", build, func(l *serverInstanceList) (int, int) {
		return len(l.ServerInstanceList), l.TotalRows
	})
	var all []serverInstance
	for _, p := range pages {
		all = append(all, p.ServerInstanceList...)
	}
	return all, err
}

func (c *client) volumes(ctx context.Context, build func() *form) ([]blockStorageInstance, error) {
	pages, err := listAll(ctx, c, "getBlockStorageInstanceList", build, func(l *blockStorageInstanceList) (int, int) {
		return len(l.BlockStorageInstanceList), l.TotalRows
	})
	var all []blockStorageInstance
	for _, p := range pages {
		all = append(all, p.BlockStorageInstanceList...)
	}
	return all, err
}

func (c *client) images(ctx context.Context, build func() *form) ([]memberServerImage, error) {
	pages, err := listAll(ctx, c, "getMemberServerImageInstanceList", build, func(l *memberServerImageList) (int, int) {
		return len(l.MemberServerImageInstanceList), l.TotalRows
	})
	var all []memberServerImage
	for _, p := range pages {
		all = append(all, p.MemberServerImageInstanceList...)
	}
	return all, err
}

func (c *client) loginKeys(ctx context.Context, build func() *form) ([]loginKey, error) {
	pages, err := listAll(ctx, c, "getLoginKeyList", build, func(l *loginKeyList) (int, int) {
		return len(l.LoginKeyList), l.TotalRows
	})
	var all []loginKey
	for _, p := range pages {
		all = append(all, p.LoginKeyList...)
	}
	return all, err
}

func (c *client) nics(ctx context.Context, build func() *form) ([]networkInterface, error) {
	pages, err := listAll(ctx, c, "getNetworkInterfaceList", build, func(l *networkInterfaceList) (int, int) {
		return len(l.NetworkInterfaceList), l.TotalRows
	})
	var all []networkInterface
	for _, p := range pages {
		all = append(all, p.NetworkInterfaceList...)
	}
	return all, err
}

// filters returns a form builder for fixed filters.
func filters(set func(*form)) func() *form {
	return func() *form {
		f := newForm()
		if set != nil {
			set(f)
		}
		return f
	}
}
