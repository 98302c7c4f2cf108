import '@fontsource/amiri-quran/arabic-400.css';
// Fallback for the few Uthmani marks Amiri Quran lacks (e.g. U+065E, open tanween).
import '@fontsource/noto-naskh-arabic/arabic-400.css';
import './style.css';
import { initIdentifyPanel } from './identifyPanel';
import { initLibraryPanel } from './libraryPanel';
import { initTabs } from './tabs';

initTabs();
initIdentifyPanel();
initLibraryPanel();
