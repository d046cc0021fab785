package ncloud

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/fleet-iac/fleet/providers"
)

// Wire types of the image catalog (ncp.md §2.1). Sizes are bytes.
type imageProduct struct {
	ProductCode          string `json:"productCode"`
	ProductName          string `json:"productName"`
	BaseBlockStorageSize int64  `json:"baseBlockStorageSize"`
}

type imageProductList struct {
	TotalRows   int            `json:"totalRows"`
	ProductList []imageProduct `json:"productList"`
}

type serverImage struct {
	ServerImageNo           string `json:"serverImageNo"`
	ServerImageName         string `json:"serverImageName"`
	CreateDate              string `json:"createDate"` // 2006-01-02T15:04:05-0700 (ncp.md §2.1)
	BlockStorageMappingList []struct {
		Order            int   `json:"order"`
		BlockStorageSize int64 `json:"blockStorageSize"`
	} `json:"blockStorageMappingList"`
}

type serverImageList struct {
	TotalRows       int           `json:"totalRows"`
	ServerImageList []serverImage `json:"serverImageList"`
}

const bytesPerGB = 1 << 30

// catalogImages lists every image a server can boot from with the root
// disk it needs, one call per kind: image products (serverImageProductCode,
// baseBlockStorageSize), server images (serverImageNo, the size of mapping
// order 0) and the member images the inventory listed already. A member
// image reports only the total of its volumes, which is its boot disk's
// size only when it has one volume; with more its minimum stays unknown.
func (c *client) catalogImages(ctx context.Context, members []memberServerImage) ([]providers.ImageInfo, error) {
	var products imageProductList
	if err := c.call(ctx, "getServerImageProductList", newForm(), &products); err != nil {
		return nil, err
	}
	images, err := listAll(ctx, c, "getServerImageList", filters(nil), func(l *serverImageList) ([]serverImage, int) {
		return l.ServerImageList, l.TotalRows
	})
	if err != nil {
		return nil, err
	}
	out := make([]providers.ImageInfo, 0, len(products.ProductList)+len(images)+len(members))
	for _, p := range products.ProductList {
		out = append(out, providers.ImageInfo{ID: p.ProductCode, Name: p.ProductName, MinDisk: int(p.BaseBlockStorageSize / bytesPerGB)})
	}
	for _, im := range images {
		info := providers.ImageInfo{ID: im.ServerImageNo, Name: im.ServerImageName, Created: ncpDate(im.CreateDate)}
		for _, m := range im.BlockStorageMappingList {
			if m.Order == 0 {
				info.MinDisk = int(m.BlockStorageSize / bytesPerGB)
			}
		}
		out = append(out, info)
	}
	for _, m := range members {
		info := providers.ImageInfo{ID: m.MemberServerImageInstanceNo, Name: m.MemberServerImageName}
		if m.BlockStorageTotalRows == 1 {
			info.MinDisk = int(m.BlockStorageTotalSize / bytesPerGB)
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b providers.ImageInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ncpDate turns NCP's createDate (2024-06-20T10:00:00+0900) into RFC 3339
// UTC, so releases of one image name sort by it; "" when unreadable.
func ncpDate(s string) string {
	t, err := time.Parse("2006-01-02T15:04:05-0700", s)
	if err != nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
