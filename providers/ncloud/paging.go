package ncloud

import "context"

// pageSize is large so that a 1,000-server fleet refreshes in one page.
const pageSize = 1000

// listAll pages through a list operation from page 1 until it has
// totalRows items, or a page comes back short or empty. build makes the
// filters of each page; page decodes one answer and returns its length
// and totalRows.
func listAll[T any](ctx context.Context, c *client, op string, build func() *form, rows func(*T) (int, int)) ([]T, error) {
	var pages []T
	seen := 0
	for pageNo := 1; ; pageNo++ {
		var out T
		f := build().setInt("pageNo", pageNo).setInt("pageSize", pageSize)
		if err := c.call(ctx, op, f, &out); err != nil {
			return nil, err
		}
		n, total := rows(&out)
		pages = append(pages, out)
		seen += n
		if n == 0 || n < pageSize || seen >= total {
			return pages, nil
		}
	}
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
