// Group roles as the API numbers them (GroupAccess): an invitation grants nothing; members see what is shared with
// the group; admins also manage its members.
export const INVITED = 1;
export const MEMBER = 2;
export const ADMIN = 3;

export function roleName(role) {
  return role === ADMIN ? 'Admin' : role === MEMBER ? 'Member' : role === INVITED ? 'Invited' : '—';
}
