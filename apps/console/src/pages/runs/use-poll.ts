import { useEffect, useState } from 'react';

/** Calls `refetch` every `ms` while `active`; stops when inactive or unmounted. */
export function usePoll(active: boolean, refetch: () => void, ms = 3000): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(refetch, ms);
    return () => clearInterval(timer);
  }, [active, refetch, ms]);
}

/** The current time in milliseconds, re-rendered every `ms` while `active` (for ticking durations). */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}
