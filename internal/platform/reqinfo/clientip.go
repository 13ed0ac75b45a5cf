package reqinfo

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP is the address of r's client. It is the peer's, unless the peer
// is one of the trusted proxies: then X-Forwarded-For is read from the
// right (each proxy appends the address it received from), skipping the
// trusted proxies, and the first address that is not one is the client.
// Whatever a client writes to the left of that is never believed, so a
// client cannot choose the address its audit events and sign-in throttle
// are booked under. Without trusted proxies the header is ignored.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	peer := parseAddr(r.RemoteAddr)
	if !peer.IsValid() {
		return r.RemoteAddr
	}
	client := peer
	if len(trusted) > 0 && isTrusted(peer, trusted) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a := parseAddr(strings.TrimSpace(hops[i]))
			if !a.IsValid() {
				break // a malformed hop: the last proxy's word is all there is
			}
			client = a
			if !isTrusted(a, trusted) {
				break
			}
		}
	}
	return client.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads "1.2.3.4", "1.2.3.4:5678", "[::1]:80" or "::1".
func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}
