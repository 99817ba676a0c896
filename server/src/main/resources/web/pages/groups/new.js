// A new group (POST /groups/new): its creator is its first admin.
import { h } from '../../core/html.js';
import { post } from '../../core/api.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { navigate } from '../../core/router.js';
import { Page } from '../../components/page.js';

export function NewGroupPage() {
  const form = useForm({ name: '', slug: '', description: '' });
  const send = async ({ name, slug, description }) => {
    const group = await post('/groups/new', { name: name.trim(), slug: slug.trim() || null, description: description.trim() || null });
    navigate('/app/groups/' + group.slug, { replace: true });
  };
  return h(Page, { title: 'New group' },
    h('form', { class: 'card form wide', onSubmit: form.submit(send), novalidate: true },
      h(FormError, { message: form.general }),
      h(Field, { label: 'Name', ...form.field('name'), required: true, maxLength: 100 }),
      h(Field, { label: 'Slug', ...form.field('slug'), maxLength: 50, spellcheck: false,
        hint: 'The short name in links and shares: lower-case letters, digits and hyphens. Made from the name if left empty.' }),
      h(Field, { label: 'Description', ...form.field('description'), multiline: true, rows: 3, maxLength: 2000 }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Creating…' : 'Create group'),
        h('button', { type: 'button', class: 'button secondary', onClick: () => history.back() }, 'Cancel'))));
}
