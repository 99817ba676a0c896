// The SSH public key (POST /settings/key; an empty key removes it), shown with its fingerprint.
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { ErrorNotice, Loading, useLoad } from '../../components/page.js';
import { SettingsPage } from './tabs.js';

function KeyForm({ me }) {
  const form = useForm({ ssh_key: me.ssh_key || '' });
  const [fingerprint, setFingerprint] = useState(me.ssh_key_fingerprint);
  const [saved, setSaved] = useState(null);
  const save = (key) => async () => {
    setSaved(null);
    const answer = await post('/settings/key', { ssh_key: key });
    form.setValues({ ssh_key: answer.ssh_key || '' });
    setFingerprint(answer.ssh_key_fingerprint);
    setSaved(answer.ssh_key ? 'Key saved.' : 'Key removed.');
  };
  return h('form', { class: 'card form wide', onSubmit: form.submit((v) => save(v.ssh_key.trim())()), novalidate: true },
    h(FormError, { message: form.general }),
    h(Field, { label: 'Public key', ...form.field('ssh_key'), multiline: true, rows: 5, spellcheck: false,
      hint: 'One line, as in ~/.ssh/id_ed25519.pub: ssh-ed25519 AAAA… you@laptop' }),
    fingerprint && h('p', null, 'Fingerprint: ', h('code', null, fingerprint)),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Saving…' : 'Save key'),
      fingerprint && h('button', { type: 'button', class: 'button secondary', disabled: form.busy,
        onClick: form.submit(() => save('')()) }, 'Remove key'),
      saved && h('p', { class: 'saved', role: 'status' }, saved)));
}

export function SshKeySettingsPage() {
  const { data: me, error } = useLoad(() => get('/me'), []);
  return h(SettingsPage, { title: 'SSH key', path: '/app/settings/ssh-key' },
    error ? h(ErrorNotice, { error }) : me ? h(KeyForm, { me }) : h(Loading, { what: 'your key' }));
}
