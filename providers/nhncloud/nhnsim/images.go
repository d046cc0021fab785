package nhnsim

import (
	"net/http"
	"slices"
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
		"id": img.ID, "name": img.Name, "status": img.Status, "visibility": img.Visibility, "protected": img.Protected,
		"os_hidden": img.Hidden, "min_disk": img.MinDisk, "min_ram": img.MinRAM, "size": size, "virtual_size": nil,
		"disk_format": "qcow2", "container_format": "bare", "owner": img.Owner, "tags": append([]string{}, img.Tags...),
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
			glanceError(c.w, http.StatusBadRequest, "limit param must be positive")
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
		// Glance lists hidden images only for os_hidden=true.
		if img.Hidden != (q.Get("os_hidden") == "true") {
			continue
		}
		all = append(all, img)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	start := 0
	if m := q.Get("marker"); m != "" {
		start = sort.Search(len(all), func(i int) bool { return all[i].ID > m })
		if c.s.images[m] == nil {
			glanceError(c.w, http.StatusBadRequest, "marker not found")
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

// glanceError answers with Glance's error body.
func glanceError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]any{"message": msg, "code": strconv.Itoa(code) + " " + http.StatusText(code), "title": http.StatusText(code)})
}

// image finds the image of the path; nil means a 404 was written.
func (c *call) image() *image {
	id := c.id(1)
	img := c.s.images[id]
	if img == nil {
		glanceError(c.w, http.StatusNotFound, "No image found with ID "+id)
	}
	return img
}

func getImage(c *call) {
	if img := c.image(); img != nil {
		writeJSON(c.w, http.StatusOK, c.imageView(img))
	}
}

// deleteImage: 204 and the image is gone at once (Glance without delayed
// delete), whatever its status; an upload still in flight is dropped.
// Protected images and the public catalog's refuse with 403.
func deleteImage(c *call) {
	img := c.image()
	if img == nil {
		return
	}
	if img.Owner != c.s.opts.TenantID {
		glanceError(c.w, http.StatusForbidden, "You are not authorized to complete delete_image action.")
		return
	}
	if img.Protected {
		glanceError(c.w, http.StatusForbidden, "Image "+img.ID+" is protected and cannot be deleted.")
		return
	}
	delete(c.s.images, img.ID)
	c.s.d.Images = slices.DeleteFunc(c.s.d.Images, func(i *image) bool { return i == img })
	c.s.record("image", img.ID, img.Name, "deleted", c.now)
	c.s.markDirty()
	noContent(c.w, http.StatusNoContent)
}
