// A new project (POST /projects/new), with the organism chosen from the vocabulary (GET /organisms).
import { h } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { CheckField, Field, FormError, SelectField, useForm } from '../../core/form.js';
import { navigate } from '../../core/router.js';
import { Page, useLoad } from '../../components/page.js';

export function NewProjectPage() {
  const form = useForm({ name: '', description: '', organism: '', is_public: false });
  const organisms = useLoad(() => get('/organisms'), []);
  const send = async (values) => {
    const project = await post('/projects/new', { ...values, organism: values.organism || null });
    navigate('/app/projects/' + project.id, { replace: true });
  };
  const options = [['', organisms.data ? 'None' : 'Loading…'], ...(organisms.data?.organisms || []).map((o) => [o.id, o.name])];
  return h(Page, { title: 'New project' },
    h('form', { class: 'card form wide', onSubmit: form.submit(send), novalidate: true },
      h(FormError, { message: form.general || (organisms.error && 'The organisms cannot be loaded: ' + organisms.error.message) }),
      h(Field, { label: 'Name', ...form.field('name'), required: true, maxLength: 200 }),
      h(Field, { label: 'Description', ...form.field('description'), multiline: true, rows: 4 }),
      h(SelectField, { label: 'Organism', ...form.field('organism'), options }),
      h(CheckField, { label: 'Public: everyone, signed in or not, may read it and its samples', ...form.field('is_public') }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Creating…' : 'Create project'),
        h('button', { type: 'button', class: 'button secondary', onClick: () => history.back() }, 'Cancel'))));
}
