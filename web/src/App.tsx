import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { BlockedPage } from './pages/BlockedPage';
import { SessionProvider, type SessionState } from './session';
import { AppLayout, BUYER_NAV, SELLER_NAV } from './components/AppLayout';
import { RequireAnonymous, RequireAuth, RootRedirect } from './components/Guards';
import { LoginPage } from './pages/LoginPage';
import { SignupPage } from './pages/SignupPage';
import { SettingsPage } from './pages/SettingsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { InboxPage } from './pages/messages/InboxPage';
import { ThreadPage } from './pages/messages/ThreadPage';
import { SavedRepliesPage } from './pages/messages/SavedRepliesPage';
import { BroadcastsPage } from './pages/messages/BroadcastsPage';
import { BuyerMessagesPage, BuyerThreadPage } from './pages/messages/BuyerMessages';
import { SalesPage } from './pages/sales/SalesPage';
import { ProductsListPage } from './pages/products/ProductsListPage';
import { ProductEditorPage } from './pages/products/ProductEditorPage';
import { BalancePage } from './pages/BalancePage';
import { LibraryPage } from './pages/LibraryPage';
import { StorePage } from './pages/store/StorePage';
import { ProductPage } from './pages/store/ProductPage';
import { CheckoutPage } from './pages/store/CheckoutPage';
import { ReceiptPage } from './pages/store/ReceiptPage';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<RootRedirect />} />
      <Route path="/login" element={<RequireAnonymous><LoginPage /></RequireAnonymous>} />
      <Route path="/signup" element={<RequireAnonymous><SignupPage /></RequireAnonymous>} />
      <Route path="/app" element={<RequireAuth seller><AppLayout nav={SELLER_NAV} /></RequireAuth>}>
        <Route index element={<Navigate to="sales" replace />} />
        {/* The order panel and the customer's history open over the list; SalesPage reads the path. */}
        <Route path="sales" element={<SalesPage />}>
          <Route path="orders/:orderId" element={null} />
          <Route path="orders/:orderId/history" element={null} />
        </Route>
        <Route path="products" element={<ProductsListPage />} />
        <Route path="products/new" element={<ProductEditorPage />} />
        <Route path="products/:productId" element={<ProductEditorPage />} />
        <Route path="messages" element={<InboxPage />} />
        <Route path="messages/threads/:threadId" element={<ThreadPage />} />
        <Route path="messages/saved-replies" element={<SavedRepliesPage />} />
        <Route path="messages/broadcasts" element={<BroadcastsPage />} />
        <Route path="balance" element={<BalancePage />} />
        <Route path="blocked" element={<BlockedPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage embedded />} />
      </Route>
      <Route path="/library" element={<RequireAuth><AppLayout nav={BUYER_NAV} /></RequireAuth>}>
        <Route index element={<LibraryPage />} />
        <Route path="messages" element={<BuyerMessagesPage />} />
        <Route path="messages/:threadId" element={<BuyerThreadPage />} />
      </Route>
      {/* Buyer-facing pages: open to everyone, with the store's light header instead of the sidebar. */}
      <Route path="/s/:slug" element={<StorePage />} />
      <Route path="/s/:slug/p/:productId" element={<ProductPage />} />
      <Route path="/s/:slug/checkout" element={<CheckoutPage />} />
      <Route path="/orders/:orderId" element={<ReceiptPage />} />
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
