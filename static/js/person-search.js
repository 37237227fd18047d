// Person fields of the console (input[data-person-search], members.forms.PersonField):
// as the committee types part of a name or an email, up to ten people are suggested from
// the server; choosing one puts their email in the field. Without this script the field
// still works: type the person's email. No inline script: the CSP allows none.
const SEARCH_DELAY_MS = 250;
const MIN_LENGTH = 2;

document.querySelectorAll("input[data-person-search]").forEach((input) => {
  const list = document.getElementById(`${input.id}-suggestions`);
  let timer;
  let pending;

  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");

  const clear = () => {
    list.replaceChildren();
    list.hidden = true;
  };

  const choose = (person) => {
    input.value = person.email;
    clear();
    input.focus();
  };

  const show = (people) => {
    list.replaceChildren(
      ...people.map((person) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        const name = document.createElement("span");
        name.textContent = person.name;
        const email = document.createElement("span");
        email.className = "small text-body-secondary text-break";
        email.textContent = person.email;
        button.append(name, " ", email);
        button.addEventListener("click", () => choose(person));
        return button;
      }),
    );
    list.hidden = people.length === 0;
  };

  const search = async (words) => {
    pending?.abort();
    pending = new AbortController();
    const url = new URL(input.dataset.personSearch, window.location.href);
    url.searchParams.set("q", words);
    try {
      const response = await fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } });
      if (response.ok && input.value.trim() === words) show((await response.json()).people);
    } catch (error) {
      if (error.name !== "AbortError") clear();
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const words = input.value.trim();
    if (words.length < MIN_LENGTH) {
      pending?.abort();
      clear();
      return;
    }
    timer = setTimeout(() => search(words), SEARCH_DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") clear();
  });
});
