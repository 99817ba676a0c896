// The run wizard of a pipeline version: 1. the samples and filesets, 2. the parameters, 3. a summary to check, with
// the run's name, then POST /pipelines/versions/{id}/run and on to the new execution's page. The steps stay mounted
// (hidden when not current), so that going back finds each as it was left. An error of the API goes beside what it
// names, on its step: a parameter's (400 or 409, details.parameter) beside the parameter, the samples' and
// filesets' on the first step, the name's beside the name; any other above the submit button.
import { h, useState } from '../../core/html.js';
import { ApiError, post } from '../../core/api.js';
import { Field, FormError } from '../../core/form.js';
import { navigate } from '../../core/router.js';
import { InputsStep } from './inputs.js';
import { ParameterFields, initialValues, paramId, runValues, shownValue } from './parameters.js';

const STEPS = ['Samples', 'Parameters', 'Check and run'];

function Steps({ current }) {
  return h('ol', { class: 'steps', 'aria-label': 'Steps of the run' }, STEPS.map((title, i) =>
    h('li', { 'aria-current': i + 1 === current ? 'step' : undefined, class: i + 1 < current ? 'done' : undefined },
      h('span', { class: 'step-number' }, i + 1), ' ', title)));
}

function focusLater(id) {
  setTimeout(() => document.getElementById(id)?.focus());
}

/** One step: its heading (which takes the focus when the step opens), content and buttons; hidden unless current. */
function Step({ n, current, children, actions }) {
  return h('section', { class: 'card step', hidden: n !== current, 'aria-labelledby': 'run-step-' + n },
    h('h2', { id: 'run-step-' + n, tabIndex: -1 }, `Step ${n} of ${STEPS.length}: ${STEPS[n - 1]}`),
    children,
    h('div', { class: 'form-actions' }, actions));
}

function list(items) {
  return items.length === 0 ? h('dd', null, 'None') : h('dd', null, h('ul', { class: 'plain' }, items.map((t) => h('li', null, t))));
}

function Summary({ version, inputs, values }) {
  const set = version.parameters.filter((p) => !p.hidden && shownValue(p, values) !== null);
  return h('dl', { class: 'summary' },
    h('dt', null, 'Pipeline'), h('dd', null, `${version.pipeline} ${version.version}`),
    h('dt', null, 'Samples'), list([...inputs.samples.values()]),
    h('dt', null, 'Filesets'), list([...inputs.filesets.values()]),
    h('dt', null, 'Parameters set'), list(set.map((p) => [h('code', null, p.name), ' = ', String(shownValue(p, values))])),
    set.length < version.parameters.filter((p) => !p.hidden).length && h('dd', { class: 'hint' }, 'Every other parameter keeps its default.'));
}

export function RunWizard({ version }) {
  const [step, setStep] = useState(1);
  const [inputs, setInputs] = useState({ samples: new Map(), filesets: new Map() });
  const [values, setValues] = useState(() => initialValues(version.parameters));
  const [name, setName] = useState('');
  // by where they show: `inputs`, `name`, `general`, and `params` by parameter name
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const settable = new Set(version.parameters.filter((p) => !p.hidden).map((p) => p.name));

  const go = (n, focus = 'run-step-' + n) => {
    setStep(n);
    focusLater(focus);
  };
  const next = () => {
    if (inputs.samples.size === 0 && inputs.filesets.size === 0) {
      setErrors({ inputs: 'Pick at least one sample or fileset.' });
      return focusLater('run-inputs');
    }
    setErrors({});
    go(2);
  };

  /** Puts the API's error beside what it names, on that step. */
  const place = (e) => {
    const parameter = e instanceof ApiError ? e.details.parameter : null;
    if (parameter && settable.has(parameter)) {
      setErrors({ params: { [parameter]: e.fieldMessage } });
      go(2, paramId(parameter));
    } else if (e instanceof ApiError && (e.field === 'samples' || e.field === 'filesets')) {
      setErrors({ inputs: e.fieldMessage });
      go(1, 'run-inputs');
    } else if (e instanceof ApiError && e.field === 'name') {
      setErrors({ name: e.fieldMessage });
      focusLater('field-run_name');
    } else {
      setErrors({ general: e instanceof ApiError ? e.message : 'Something went wrong: ' + e.message });
    }
  };

  const submit = async (event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    try {
      const run = await post(`/pipelines/versions/${version.id}/run`, { name: name.trim() || null,
        samples: [...inputs.samples.keys()], filesets: [...inputs.filesets.keys()], ...runValues(version.parameters, values) });
      navigate('/app/executions/' + run.id);
    } catch (e) {
      place(e);
    } finally {
      setBusy(false);
    }
  };

  const back = (n) => h('button', { type: 'button', class: 'button secondary', onClick: () => go(n) }, 'Back');
  return h('div', { class: 'wizard' },
    h(Steps, { current: step }),
    h(Step, { n: 1, current: step, actions: h('button', { type: 'button', class: 'button', id: 'run-next-1', onClick: next }, 'Next: parameters') },
      // an error about the picks goes once they change
      h(InputsStep, { inputs, onInputs: (f) => { setInputs(f); setErrors((e) => ({ ...e, inputs: null })); }, error: errors.inputs })),
    h(Step, { n: 2, current: step, actions: [back(1), h('button', { type: 'button', class: 'button', id: 'run-next-2', onClick: () => go(3) }, 'Next: check')] },
      h(ParameterFields, { parameters: version.parameters, values, onValues: setValues, errors: errors.params || {} })),
    h('form', { id: 'run-form', onSubmit: submit, novalidate: true },
      h(Step, { n: 3, current: step, actions: [back(2), h('button', { type: 'submit', class: 'button', disabled: busy }, busy ? 'Starting…' : 'Start the run')] },
        h(Summary, { version, inputs, values }),
        h(Field, { label: 'Name of the run', name: 'run_name', value: name, onInput: (e) => setName(e.currentTarget.value), maxLength: 200,
          placeholder: `${version.pipeline} ${version.version}`, hint: 'Left empty, the run is named after the pipeline and version.', error: errors.name }),
        h(FormError, { message: errors.general }))));
}
