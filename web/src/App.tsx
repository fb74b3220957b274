import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { SessionProvider, type SessionState } from './session';
import { AppLayout, BUYER_NAV, SELLER_NAV } from './components/AppLayout';
import { RequireAnonymous, RequireAuth, RootRedirect } from './components/Guards';
import { LoginPage } from './pages/LoginPage';
import { SignupPage } from './pages/SignupPage';
import { SettingsPage } from './pages/SettingsPage';
import { BalancePage, LibraryPage, MessagesPage, NotFoundPage, ProductsPage, SalesPage } from './pages/PlaceholderPages';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<RootRedirect />} />
      <Route path="/login" element={<RequireAnonymous><LoginPage /></RequireAnonymous>} />
      <Route path="/signup" element={<RequireAnonymous><SignupPage /></RequireAnonymous>} />
      <Route path="/app" element={<RequireAuth seller><AppLayout nav={SELLER_NAV} /></RequireAuth>}>
        <Route index element={<Navigate to="sales" replace />} />
        <Route path="sales" element={<SalesPage />} />
        <Route path="products" element={<ProductsPage />} />
        <Route path="messages" element={<MessagesPage />} />
        <Route path="balance" element={<BalancePage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage embedded />} />
      </Route>
      <Route path="/library" element={<RequireAuth><AppLayout nav={BUYER_NAV} /></RequireAuth>}>
        <Route index element={<LibraryPage />} />
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

export function App({ initialSession }: { initialSession?: SessionState }) {
  return (
    <SessionProvider initial={initialSession}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </SessionProvider>
  );
}
