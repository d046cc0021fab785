package nhnsim

import (
	"net/http"
	"sort"
	"strconv"
)

// imageView is a Glance v2 image; NHN's image properties are top-level
// string fields, as Glance shows extra properties.
func (c *call) imageView(img *image) map[string]any {
	m := map[string]any{}
	for k, v := range img.Props {
		m[k] = v
	}
	size := any(img.Size)
	if img.Status != "active" {
		size = nil
	}
	for k, v := range map[string]any{
		"id": img.ID, "name": img.Name, "status": img.Status, "visibility": img.Visibility, "protected": false,
		"min_disk": img.MinDisk, "min_ram": img.MinRAM, "size": size, "virtual_size": nil,
		"disk_format": "qcow2", "container_format": "bare", "owner": img.Owner, "tags": []string{},
		"created_at": img.Created.UTC().Format(timeZ), "updated_at": img.Updated.UTC().Format(timeZ),
		"self": "/v2/images/" + img.ID, "file": "/v2/images/" + img.ID + "/file", "schema": "/v2/schemas/image",
	} {
		m[k] = v
	}
	return m
}

// listImages pages in id order with limit (default 25, as Glance) and marker.
func listImages(c *call) {
	q := c.r.URL.Query()
	limit := 25
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			writeJSON(c.w, http.StatusBadRequest, map[string]any{"message": "limit param must be positive", "code": "400 Bad Request", "title": "Bad Request"})
			return
		}
		limit = min(n, 1000)
	}
	all := make([]*image, 0, len(c.s.d.Images))
	for _, img := range c.s.d.Images {
		if n := q.Get("name"); n != "" && img.Name != n {
			continue
		}
		if st := q.Get("status"); st != "" && img.Status != st {
			continue
		}
		if vis := q.Get("visibility"); vis != "" && img.Visibility != vis {
			continue
		}
		all = append(all, img)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	start := 0
	if m := q.Get("marker"); m != "" {
		start = sort.Search(len(all), func(i int) bool { return all[i].ID > m })
		if c.s.images[m] == nil {
			writeJSON(c.w, http.StatusBadRequest, map[string]any{"message": "marker not found", "code": "400 Bad Request", "title": "Bad Request"})
			return
		}
	}
	end := min(start+limit, len(all))
	page := make([]any, 0, end-start)
	for _, img := range all[start:end] {
		page = append(page, c.imageView(img))
	}
	body := map[string]any{"images": page, "schema": "/v2/schemas/images", "first": "/v2/images"}
	if end-start == limit && end > start {
		q.Set("marker", all[end-1].ID)
		body["next"] = "/v2/images?" + q.Encode()
	}
	writeJSON(c.w, http.StatusOK, body)
}

func getImage(c *call) {
	id := c.id(1)
	img := c.s.images[id]
	if img == nil {
		writeJSON(c.w, http.StatusNotFound, map[string]any{"message": "No image found with ID " + id, "code": "404 Not Found", "title": "Not Found"})
		return
	}
	writeJSON(c.w, http.StatusOK, c.imageView(img))
}
