/* mesbook: the offline twins of the book's explorers (see mesbook/widgets/twin.py).
 *
 * Each <div class="mesbook-twin"> carries, in a JSON <script>, every frame of an explorer computed when
 * the book was built: the figure (a data: URL), the numbers shown beside it and the parameters. This
 * script only builds the controls (one range input per axis, step and play buttons for the first)
 * and swaps frames. It loads nothing and works from file://.
 */
(function () {
  "use strict";

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function init(root) {
    if (root.dataset.ready) return;
    const source = root.querySelector("script.mesbook-twin-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const figure = root.querySelector(".mesbook-twin-figure");
    const numbers = root.querySelector(".mesbook-twin-numbers");
    const note = root.querySelector(".mesbook-twin-note");
    const controls = root.querySelector(".mesbook-twin-controls");
    const sizes = data.axes.map(axis => axis.texts.length);
    const position = data.axes.map(axis => axis.start);
    let timer = null;

    controls.replaceChildren();
    const sliders = data.axes.map((axis, k) => {
      const label = element("label", "mesbook-twin-axis");
      const input = element("input");
      Object.assign(input, {type: "range", min: 0, max: axis.texts.length - 1, step: 1, value: axis.start});
      const shown = element("output");
      input.addEventListener("input", () => { stop(); position[k] = Number(input.value); show(); });
      label.append(element("span", "mesbook-twin-label", axis.label), input, shown);
      controls.append(label);
      return {input, shown};
    });

    const buttons = element("div", "mesbook-twin-buttons");
    function button(text, title, action) {
      const node = element("button", "mesbook-twin-button", text);
      node.type = "button";
      node.title = title;
      node.setAttribute("aria-label", title);
      node.addEventListener("click", action);
      buttons.append(node);
      return node;
    }
    const first = data.axes[0].label;
    button("◀", `step back: ${first}`, () => { stop(); step(-1); });
    const play = button("▶ play", `play through ${first}`, () => (timer ? stop() : start()));
    button("▶|", `step forward: ${first}`, () => { stop(); step(1); });
    controls.append(buttons);

    function index() {
      return position.reduce((i, p, k) => i * sizes[k] + p, 0);
    }
    function step(delta) {
      position[0] = (position[0] + delta + sizes[0]) % sizes[0];
      show();
    }
    function start() {
      timer = window.setInterval(() => step(1), 800);
      play.textContent = "❚❚ pause";
    }
    function stop() {
      if (timer) window.clearInterval(timer);
      timer = null;
      play.textContent = "▶ play";
    }
    function show() {
      const k = index();
      const frame = data.frames[k];
      figure.src = data.images[frame.img];
      sliders.forEach((slider, a) => {
        const text = data.axes[a].texts[position[a]];
        slider.input.value = position[a];
        slider.input.setAttribute("aria-valuetext", text);
        slider.shown.textContent = text;
      });
      numbers.replaceChildren(...frame.n.flatMap(([name, value]) => [element("dt", "", name), element("dd", "", value)]));
      note.textContent = frame.note;
      root.dataset.frame = String(k);
      root.dataset.params = JSON.stringify(frame.params);
    }

    show();
    root.dataset.ready = "1";
  }

  function initAll() {
    document.querySelectorAll(".mesbook-twin").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
