import { useAppStore } from '../store/context';
import { AddContact } from './AddContact';
import { ContactList } from './ContactList';
import { SearchBox } from './SearchBox';
import { SearchResults } from './SearchResults';
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
      {adding && <AddContact onClose={() => setAdding(false)} />}
      {searching ? <SearchResults /> : <ContactList onAdd={() => setAdding(true)} />}
    </aside>
  );
}
