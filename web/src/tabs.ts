import { byId } from './dom';

/** Two tabs with the WAI-ARIA tab pattern: arrow keys move between them; #library opens the second. */
export function initTabs(): void {
  const tabs = [byId<HTMLButtonElement>('tab-identify'), byId<HTMLButtonElement>('tab-library')];
  const select = (index: number, focus: boolean): void => {
    tabs.forEach((tab, i) => {
      const selected = i === index;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      byId(tab.getAttribute('aria-controls')!).hidden = !selected;
    });
    if (focus) tabs[index]!.focus();
    history.replaceState(null, '', index === 1 ? '#library' : '#');
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(i, false));
    tab.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') select((i + 1) % tabs.length, true);
    });
  });
  if (location.hash === '#library') select(1, false);
}
