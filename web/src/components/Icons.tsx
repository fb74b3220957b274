// Small line icons (decorative: always aria-hidden, the text beside them carries the meaning).
import type { ReactNode } from 'react';

function Icon({ children, size = 18 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}

export const SalesIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M4 19V5M4 19h16M8 15l3.5-4 3 2.5L20 7" />
  </Icon>
);
export const ProductsIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M12 3 3.5 7.5 12 12l8.5-4.5L12 3ZM3.5 7.5v9L12 21m0-9v9m8.5-13.5v9L12 21" />
  </Icon>
);
export const MessagesIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M4 5h16v11H9l-5 4V5Z" />
  </Icon>
);
export const BalanceIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <rect x="3" y="6" width="18" height="13" rx="2" />
    <path d="M3 10h18M16 15h2" />
  </Icon>
);
export const SettingsIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M4 7h10M18 7h2M4 17h2M10 17h10" />
    <circle cx="16" cy="7" r="2" />
    <circle cx="8" cy="17" r="2" />
  </Icon>
);
export const LibraryIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M5 4h4v16H5zM11 4h4v16h-4zM17 5l3 .8-3.5 14.5-3-.8" />
  </Icon>
);
export const LogoutIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10" />
  </Icon>
);
export const CheckIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="m5 12.5 4.5 4.5L19 7.5" />
  </Icon>
);
export const CloseIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M6 6l12 12M18 6 6 18" />
  </Icon>
);

export function Logo() {
  return (
    <svg aria-hidden="true" viewBox="0 0 32 32" width="28" height="28">
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path d="M9 12h14l-1.5 11h-11z" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinejoin="round" />
      <path d="M12.5 12a3.5 3.5 0 0 1 7 0" fill="none" stroke="#fff" strokeWidth="2.2" />
    </svg>
  );
}
export const BlockedIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <circle cx="12" cy="12" r="8" />
    <path d="M6.5 6.5l11 11" />
  </Icon>
);

export const PaperclipIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
  </Icon>
);

export const FileIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M13 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" />
    <path d="M13 2v7h7" />
  </Icon>
);
