// Every page of the app, by its path under /app/. `signedIn`: only for a signed-in user (others are sent to sign in
// first); `signedOut`: only for visitors (a signed-in user is sent to the dashboard). The last route takes every
// path that no other matches.
import { SignInPage } from './pages/auth/signin.js';
import { SignUpPage } from './pages/auth/signup.js';
import { DashboardPage } from './pages/dashboard/dashboard.js';
import { ProjectsPage } from './pages/projects/list.js';
import { NewProjectPage } from './pages/projects/new.js';
import { ProjectPage } from './pages/projects/detail.js';
import { ForgotPasswordPage } from './pages/auth/forgot.js';
import { ResetPasswordPage } from './pages/auth/reset.js';
import { ProfileSettingsPage } from './pages/settings/profile.js';
import { PasswordSettingsPage } from './pages/settings/password.js';
import { SshKeySettingsPage } from './pages/settings/sshkey.js';
import { TokenSettingsPage } from './pages/settings/tokens.js';
import { GroupsPage } from './pages/groups/list.js';
import { NewGroupPage } from './pages/groups/new.js';
import { GroupPage } from './pages/groups/detail.js';
import { SearchPage } from './pages/search/search.js';
import { SamplesPage } from './pages/samples/list.js';
import { SamplePage } from './pages/samples/detail.js';
import { EditSamplePage, NewSamplePage } from './pages/samples/edit.js';
import { DataPage } from './pages/data/list.js';
import { DataFilePage } from './pages/data/detail.js';
import { DataUploadPage } from './pages/uploads/data.js';
import { SampleUploadPage } from './pages/uploads/reads.js';
import { NotFoundPage } from './pages/notfound.js';
// pipelines
import { PipelinesPage } from './pages/pipelines/list.js';
import { PipelinePage } from './pages/pipelines/pipeline.js';
import { VersionPage } from './pages/pipelines/version.js';
// annotation sheets
import { AnnotationPage } from './pages/annotation/annotation.js';
import { MultiplexedSheetPage } from './pages/annotation/multiplexed.js';
// sign-in with OpenID Connect
import { OidcCallbackPage } from './pages/auth/oidc.js';
// executions
import { ExecutionsPage } from './pages/executions/list.js';
import { ExecutionPage } from './pages/executions/detail.js';
// admin pages
import { AdminUsersPage } from './pages/admin/users.js';
import { AdminVocabulariesPage } from './pages/admin/vocabularies.js';
import { AdminPipelinesPage, AdminPipelinePage } from './pages/admin/pipelines.js';
import { AdminStoragePage } from './pages/admin/storage.js';
// advanced search
import { AdvancedSearchPage } from './pages/search/advanced.js';

export const ROUTES = [
  { path: '/app/', page: DashboardPage, signedIn: true },
  { path: '/app/signin', page: SignInPage, signedOut: true },
  { path: '/app/signup', page: SignUpPage, signedOut: true },
  { path: '/app/projects', page: ProjectsPage, signedIn: true },
  { path: '/app/projects/new', page: NewProjectPage, signedIn: true },
  { path: '/app/projects/:id', page: ProjectPage, signedIn: true },
  { path: '/app/forgot', page: ForgotPasswordPage, signedOut: true },
  // a reset link may be opened in a browser signed in to another account: the page works either way
  { path: '/app/reset', page: ResetPasswordPage },
  { path: '/app/settings', page: ProfileSettingsPage, signedIn: true },
  { path: '/app/settings/password', page: PasswordSettingsPage, signedIn: true },
  { path: '/app/settings/ssh-key', page: SshKeySettingsPage, signedIn: true },
  { path: '/app/settings/tokens', page: TokenSettingsPage, signedIn: true },
  { path: '/app/groups', page: GroupsPage, signedIn: true },
  { path: '/app/groups/new', page: NewGroupPage, signedIn: true },
  { path: '/app/groups/:slug', page: GroupPage, signedIn: true },
  // public things can be searched signed out too
  { path: '/app/search', page: SearchPage },
  { path: '/app/samples', page: SamplesPage, signedIn: true },
  { path: '/app/samples/new', page: NewSamplePage, signedIn: true },
  { path: '/app/samples/:id', page: SamplePage, signedIn: true },
  { path: '/app/samples/:id/edit', page: EditSamplePage, signedIn: true },
  { path: '/app/data', page: DataPage, signedIn: true },
  { path: '/app/data/:id', page: DataFilePage, signedIn: true },
  { path: '/app/upload', page: DataUploadPage, signedIn: true },
  { path: '/app/samples/:id/upload', page: SampleUploadPage, signedIn: true },
  // pipelines: the catalogue is public, as the API's; a version's page offers the run wizard to those who may run
  { path: '/app/pipelines', page: PipelinesPage },
  { path: '/app/pipelines/:id', page: PipelinePage },
  { path: '/app/pipelines/versions/:id', page: VersionPage },
  // annotation sheets
  { path: '/app/annotation', page: AnnotationPage, signedIn: true },
  { path: '/app/annotation/multiplexed/:id', page: MultiplexedSheetPage, signedIn: true },
  // sign-in with OpenID Connect: where the issuer sends the browser back (either way: it signs in whoever comes back)
  { path: '/app/oidc/callback', page: OidcCallbackPage },
  // executions
  { path: '/app/executions', page: ExecutionsPage, signedIn: true },
  { path: '/app/executions/:id', page: ExecutionPage, signedIn: true },
  // admin pages (each refuses users who are not site administrators)
  { path: '/app/admin', page: AdminUsersPage, signedIn: true },
  { path: '/app/admin/vocabularies', page: AdminVocabulariesPage, signedIn: true },
  { path: '/app/admin/pipelines', page: AdminPipelinesPage, signedIn: true },
  { path: '/app/admin/pipelines/:id', page: AdminPipelinePage, signedIn: true },
  { path: '/app/admin/storage', page: AdminStoragePage, signedIn: true },
  // advanced search, one page for every kind (projects, samples, data, executions, filesets); public things signed out too
  { path: '/app/search/:kind', page: AdvancedSearchPage },
  { path: '*', page: NotFoundPage },
];
