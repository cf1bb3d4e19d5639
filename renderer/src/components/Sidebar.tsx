import { useAppStore } from '../store/context';
import { ContactList } from './ContactList';
import { LazyAddContact, LazySearchResults } from './lazy-views';
import { SearchBox } from './SearchBox';
import { SelfCard } from './SelfCard';

/** The left column: my card, search, and the contact list (or search results). */
export function Sidebar() {
  const searching = useAppStore((s) => s.searchQuery.trim() !== '');
  const adding = useAppStore((s) => s.addingContact);
  const setAdding = useAppStore((s) => s.setAddingContact);
  return (
    <aside className="sidebar">
      <SelfCard />
      <SearchBox onAdd={() => setAdding(!adding)} />
      {adding && <LazyAddContact onClose={() => setAdding(false)} />}
      {searching ? <LazySearchResults /> : <ContactList onAdd={() => setAdding(true)} />}
    </aside>
  );
}
