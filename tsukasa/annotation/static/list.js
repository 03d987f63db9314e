// List page: only the admin's assign form needs script (a POST with the CSRF header).
"use strict";
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

async function post(path, body) {
  const resp = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
    body: JSON.stringify(body),
  });
  return { status: resp.status, data: await resp.json() };
}

const assignForm = document.getElementById("assign");
if (assignForm) {
  assignForm.addEventListener("submit", async (evt) => {
    evt.preventDefault();
    const f = new FormData(assignForm);
    const { data } = await post("/api/assign", { annotator: f.get("annotator"), count: f.get("count") });
    document.getElementById("assign-result").textContent = data.error ? data.error : `assigned ${data.assigned}`;
  });
}
document.getElementById("logout").addEventListener("click", async () => {
  await post("/logout", {});
  window.location = "/login";
});
