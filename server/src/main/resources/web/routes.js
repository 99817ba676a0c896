// Every page of the app, by its path under /app/. `signedIn`: only for a signed-in user (others are sent to sign in
// first); `signedOut`: only for visitors (a signed-in user is sent to the dashboard). The last route takes every
// path that no other matches.
import { SignInPage } from './pages/auth/signin.js';
import { SignUpPage } from './pages/auth/signup.js';
import { DashboardPage } from './pages/dashboard/dashboard.js';
import { ProjectsPage } from './pages/projects/list.js';
import { NewProjectPage } from './pages/projects/new.js';
import { ProjectPage } from './pages/projects/detail.js';
import { DataUploadPage } from './pages/uploads/data.js';
import { SampleUploadPage } from './pages/uploads/reads.js';
import { NotFoundPage } from './pages/notfound.js';

export const ROUTES = [
  { path: '/app/', page: DashboardPage, signedIn: true },
  { path: '/app/signin', page: SignInPage, signedOut: true },
  { path: '/app/signup', page: SignUpPage, signedOut: true },
  { path: '/app/projects', page: ProjectsPage, signedIn: true },
  { path: '/app/projects/new', page: NewProjectPage, signedIn: true },
  { path: '/app/projects/:id', page: ProjectPage, signedIn: true },
  { path: '/app/upload', page: DataUploadPage, signedIn: true },
  { path: '/app/samples/:id/upload', page: SampleUploadPage, signedIn: true },
  { path: '*', page: NotFoundPage },
];
