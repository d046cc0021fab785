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

// listAll pages through a list operation and returns its rows in page
// order. Page 1 tells totalRows; the rest are then fetched concurrently
// (pageFetches at a time, within the request budget). build makes the
// filters of each page; rows returns one answer's rows and totalRows. A
// short or empty page ends the list early, as a cloud whose list shrank
// between pages would.
func listAll[T, R any](ctx context.Context, c *client, op string, build func() *form, rows func(*T) ([]R, int)) ([]R, error) {
	fetch := func(ctx context.Context, pageNo int) ([]R, int, error) {
		var out T
		f := build().setInt("pageNo", pageNo).setInt("pageSize", pageSize)
		if err := c.call(ctx, op, f, &out); err != nil {
			return nil, 0, err
		}
		list, total := rows(&out)
		return list, total, nil
	}
	all, total, err := fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	if len(all) < pageSize || len(all) >= total {
		return all, nil
	}
	rest := make([][]R, (total+pageSize-1)/pageSize-1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pageFetches)
	for i := range rest {
		g.Go(func() error {
			var err error
			rest[i], _, err = fetch(gctx, i+2)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Sized once: appending page by page regrew and copied 10,000 servers'
	// rows several times over.
	n := len(all)
	for _, page := range rest {
		n += len(page)
	}
	all = append(make([]R, 0, n), all...)
	for _, page := range rest {
		all = append(all, page...)
		if len(page) < pageSize {
			break
		}
	}
	return all, nil
}

func (c *client) servers(ctx context.Context, build func() *form) ([]serverInstance, error) {
	return listAll(ctx, c, "getServerInstanceList", build, func(l *serverInstanceList) ([]serverInstance, int) {
		return l.ServerInstanceList, l.TotalRows
	})
}

func (c *client) volumes(ctx context.Context, build func() *form) ([]blockStorageInstance, error) {
	return listAll(ctx, c, "getBlockStorageInstanceList", build, func(l *blockStorageInstanceList) ([]blockStorageInstance, int) {
		return l.BlockStorageInstanceList, l.TotalRows
	})
}

func (c *client) images(ctx context.Context, build func() *form) ([]memberServerImage, error) {
	return listAll(ctx, c, "getMemberServerImageInstanceList", build, func(l *memberServerImageList) ([]memberServerImage, int) {
		return l.MemberServerImageInstanceList, l.TotalRows
	})
}

func (c *client) loginKeys(ctx context.Context, build func() *form) ([]loginKey, error) {
	return listAll(ctx, c, "getLoginKeyList", build, func(l *loginKeyList) ([]loginKey, int) {
		return l.LoginKeyList, l.TotalRows
	})
}

func (c *client) nics(ctx context.Context, build func() *form) ([]networkInterface, error) {
	return listAll(ctx, c, "getNetworkInterfaceList", build, func(l *networkInterfaceList) ([]networkInterface, int) {
		return l.NetworkInterfaceList, l.TotalRows
	})
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
