// Next free times on an area and service page (templates/public/_next_times.html), at a
// studio or, for an area with home visits, at the client's address there. The
// page itself is the same for everyone and may be cached; the times come live from
// /api/availability, which is never stale (its cache key changes with every booking,
// hold and minute). Without this script the section keeps its link to the booking steps.
(function () {
  "use strict";
  var SHOWN = 6;
  var DAYS = 14;

  function today(zone) {
    // en-CA formats a date as YYYY-MM-DD; the clinic's zone, not the visitor's.
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
  }

  function label(iso, zone) {
    return new Intl.DateTimeFormat("en-US", {
      timeZone: zone, weekday: "short", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit"
    }).format(new Date(iso));
  }

  document.querySelectorAll("[data-next-times]").forEach(function (box) {
    var d = box.dataset;
    var status = box.querySelector(".next-times-status");
    var list = box.querySelector(".time-list");
    var query = new URLSearchParams({ service: d.service, date: today(d.timezone), days: DAYS });
    var where = d.area ? { visit: "home", area: d.area } : { location: d.location };
    if (d.area) { query.set("visit", "home"); query.set("area", d.area); }
    fetch(d.api + "?" + query.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (answer) {
        var seen = {};
        var slots = answer.slots.filter(function (slot) {
          if ((!d.area && slot.location !== d.location) || seen[slot.start]) { return false; }
          seen[slot.start] = true;
          return true;
        }).slice(0, SHOWN);
        if (!slots.length) {
          status.insertBefore(
            document.createTextNode("No free times there in the next " + DAYS + " days. "),
            status.firstChild
          );
          return;
        }
        slots.forEach(function (slot) {
          var link = document.createElement("a");
          link.className = "choice time";
          link.textContent = label(slot.start, d.timezone);
          var params = new URLSearchParams({ service: d.service, option: answer.option.id });
          Object.keys(where).forEach(function (key) { params.set(key, where[key]); });
          params.set("therapist", slot.therapist);
          params.set("start", slot.start);
          params.set("from", d.from);
          link.href = d.details + "?" + params.toString();
          var item = document.createElement("li");
          item.appendChild(link);
          list.appendChild(item);
        });
        list.hidden = false;
      })
      .catch(function () { /* the link to the booking steps stays */ });
  });
})();
