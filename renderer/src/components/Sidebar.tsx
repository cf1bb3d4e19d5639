import { useState } from 'react';
import { useAppStore } from '../store/context';
import { AddContact } from './AddContact';
import { ContactList } from './ContactList';
import { SearchBox } from './SearchBox';
import { SearchResults } from './SearchResults';
import { SelfCard } from './SelfCard';

/** The left column: my card, search, and the contact list (or search results). */
export function Sidebar() {
  const searching = useAppStore((s) => s.searchQuery.trim() !== '');
  const [adding, setAdding] = useState(false);
  return (
    <aside className="sidebar">
      <SelfCard />
      <SearchBox onAdd={() => setAdding((a) => !a)} />
      {adding && <AddContact onClose={() => setAdding(false)} />}
      {searching ? <SearchResults /> : <ContactList />}
    </aside>
  );
}
