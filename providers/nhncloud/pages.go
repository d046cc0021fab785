package nhncloud

import (
	"context"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/fleet-iac/fleet/providers"
)

// The server and volume lists page by hand: gophercloud's pager decodes
// each page into a generic map, then re-encodes and decodes it again for
// the empty-page check, the next link and the caller's extraction, four
// passes over a 1,000-server page that made a 1,000-server refresh spend
// a second decoding. Here each page is decoded once, straight into the
// wire types.

type serverPage struct {
	Servers []wireServer       `json:"servers"`
	Links   []gophercloud.Link `json:"servers_links"`
}

type volumePage struct {
	Volumes []wireVolume       `json:"volumes"`
	Links   []gophercloud.Link `json:"volumes_links"`
}

// listServers follows servers_links from GET /servers/detail to the last
// page.
func (p *Provider) listServers(ctx context.Context, opts servers.ListOptsBuilder) ([]wireServer, error) {
	url := p.compute.ServiceURL("servers", "detail")
	if opts != nil {
		q, err := opts.ToServerListQuery()
		if err != nil {
			return nil, err
		}
		url += q
	}
	var out []wireServer
	err := eachPage(ctx, p.compute, url, func(pg *serverPage) (int, []gophercloud.Link) {
		out = append(out, pg.Servers...)
		return len(pg.Servers), pg.Links
	})
	if err != nil {
		return nil, apiError("GET /servers/detail", "", err)
	}
	return out, nil
}

// listVolumes follows volumes_links until the last page.
func (p *Provider) listVolumes(ctx context.Context) ([]wireVolume, error) {
	q, err := volumes.ListOpts{Limit: pageSize}.ToVolumeListQuery()
	if err != nil {
		return nil, err
	}
	var out []wireVolume
	err = eachPage(ctx, p.volume, p.volume.ServiceURL("volumes", "detail")+q, func(pg *volumePage) (int, []gophercloud.Link) {
		out = append(out, pg.Volumes...)
		return len(pg.Volumes), pg.Links
	})
	if err != nil {
		return nil, apiError("GET /volumes/detail", "", err)
	}
	return out, nil
}

// eachPage GETs url and the "next" link of each page until a page is empty
// or has none, handing each page, decoded once, to rows, which returns how
// many rows it held and its links.
func eachPage[T any](ctx context.Context, c *gophercloud.ServiceClient, url string, rows func(*T) (int, []gophercloud.Link)) error {
	for url != "" {
		pg, err := getPage[T](ctx, c, url)
		if err != nil {
			return err
		}
		n, links := rows(pg)
		if n == 0 {
			return nil
		}
		url = ""
		for _, l := range links {
			if l.Rel == "next" {
				url = l.Href
			}
		}
	}
	return nil
}

// getPage GETs one page and decodes it with providers.DecodeFirstValue:
// gophercloud's own decoding (encoding/json's Decoder) scans the page for
// validity before it decodes it. A body that fails to arrive or to decode
// goes to the client's RetryFunc, as gophercloud's decoding sent it: a
// connection dropped mid-page is asked for again.
func getPage[T any](ctx context.Context, c *gophercloud.ServiceClient, url string) (*T, error) {
	opts := &gophercloud.RequestOpts{KeepResponseBody: true}
	for failed := uint(1); ; failed++ {
		resp, err := c.Get(ctx, url, nil, opts)
		if err != nil {
			return nil, err // gophercloud has retried what it retries
		}
		pg := new(T)
		body, err := providers.ReadAnswer(resp)
		resp.Body.Close()
		if err == nil {
			if err = providers.DecodeFirstValue(body, pg); err == nil {
				return pg, nil
			}
		}
		retry := c.ProviderClient.RetryFunc
		if retry == nil {
			return nil, err
		}
		if err := retry(ctx, http.MethodGet, url, opts, err, failed); err != nil {
			return nil, err
		}
	}
}
