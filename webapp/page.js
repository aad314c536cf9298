// The page script, loaded with the citation panel. One listener for every citation chip on the page
// (chat, panel, report, evaluation): it asks the panel to open the passage. Chips are plain
// <button class=cite-chip value=key> in HTML, so the chat can hold them. Also: copy buttons, example
// questions that ask, the phone's passage sheet, the character counter, the page language, the URL.
// The counter's limit is filled in from the question length limit when the page is built.
window.__legcoOpen = (key) => trigger('click', {cite: key});
if (!window.__legcoBound) {
  window.__legcoBound = true;
  const narrow = () => window.matchMedia('(max-width: 820px)').matches;
  document.documentElement.lang = 'zh-Hant-HK';  // the interface leads in Chinese
  // On a phone the panel is below the chat: a chip scrolls to it once it has the passage, and
  // "back to the chat" returns to the chip.
  let pendingChip = null, backTo = null;
  const showPanel = () => {
    const col = document.querySelector('#panel-col');
    if (col) col.scrollIntoView({block: 'start'});
  };
  const panelBody = document.querySelector('#cite-panel');
  if (panelBody) new MutationObserver(() => {
    if (pendingChip) { backTo = pendingChip; pendingChip = null; setTimeout(showPanel, 30); }
  }).observe(panelBody, {childList: true, subtree: true});
  if (narrow() && new URLSearchParams(location.search).get('cite')) pendingChip = document.querySelector('#chat');
  document.addEventListener('click', (event) => {
    const t = event.target.closest ? event.target : null;
    if (!t) return;
    const chip = t.closest('button.cite-chip[value]');
    if (chip) {
      event.preventDefault();
      event.stopPropagation();
      if (narrow() && !chip.closest('#panel-col')) pendingChip = chip;
      window.__legcoOpen(chip.value);
      return;
    }
    const copy = t.closest('button.copy-btn[value]');
    if (copy) {
      navigator.clipboard.writeText(copy.value).then(() => {
        copy.textContent = '已複製 · Copied';
        setTimeout(() => { copy.textContent = '複製 · Copy'; }, 1500);
      });
      return;
    }
    const example = t.closest('button.example-q[value]');
    if (example) {
      const box = document.querySelector('#question textarea');
      box.value = example.value;
      box.dispatchEvent(new Event('input', {bubbles: true}));
      setTimeout(() => document.querySelector('#ask-btn').click(), 50);
      return;
    }
    if (t.closest('.sheet-close')) {
      const target = backTo && backTo.isConnected ? backTo : document.querySelector('#chat');
      if (target) target.scrollIntoView({block: 'center'});
    }
  }, true);
  // The character counter shows once a question nears the limit.
  document.addEventListener('input', (event) => {
    if (!event.target.closest || !event.target.closest('#question')) return;
    const counter = document.querySelector('#char-count');
    if (!counter) return;
    const n = event.target.value.length, max = MAX_CHARS;
    counter.textContent = n >= max * 0.8 ? `${n} / ${max} 字 · characters` : '';
    counter.classList.toggle('over', n > max);
  });
  // The report view scrolls to the passage a chip opened: when it changes, and when its tab is shown.
  const scrollCurrent = () => {
    const current = document.querySelector('#report .rp.current');
    if (current && current.offsetParent) current.scrollIntoView({block: 'center'});
  };
  const report = document.querySelector('#report');
  if (report) new MutationObserver(() => setTimeout(scrollCurrent, 50)).observe(report, {childList: true, subtree: true});
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('[role=tab]')) setTimeout(scrollCurrent, 150);
  });
  // Focus the question box on wide screens only: on a phone it would scroll the title away.
  setTimeout(() => {
    const box = document.querySelector('#question textarea');
    if (box && !narrow()) box.focus({preventScroll: true});
  }, 300);
}
