"use client";

import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { CalendarItem } from "@/lib/calendar/events";

/** Minutes a drag snaps to, and how far the pointer must travel before a press becomes a drag. */
export const SNAP = 15;
const THRESHOLD = 5;

export type GridDrag =
  | { kind: "create"; date: string; from: number; to: number; moved: boolean }
  | { kind: "move" | "resize"; key: string; item: CalendarItem; dayDelta: number; minuteDelta: number; columnWidth: number; moved: boolean };

export interface GridDragHandlers {
  /** Click (a slot of half an hour) or drag (a span) on empty time: the dialog opens prefilled. */
  onCreate: (date: string, startMinute: number, endMinute: number | null) => void;
  /** An event dragged or resized: both deltas in minutes (equal for a move). */
  onMove: (item: CalendarItem, startDelta: number, endDelta: number) => void;
}

export const itemKey = (item: CalendarItem) => `${item.seriesId ?? item.eventId}-${item.originalStart ?? ""}`;

/**
 * Pointer dragging on the time grid: on empty time to create, on an event to move it (to another
 * day too), on its bottom edge to resize. Mouse and pen only: on touch screens a finger scrolls,
 * and a tap still creates or opens.
 */
export function useGridDrag(dates: string[], pixelsPerMinute: number, handlers: GridDragHandlers) {
  const [drag, setDrag] = useState<GridDrag | null>(null);
  const dragRef = useRef<GridDrag | null>(null);
  const suppressClick = useRef(false);
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  });

  const update = (next: GridDrag | null) => {
    dragRef.current = next;
    setDrag(next);
  };

  const minuteAt = (column: Element, clientY: number) => {
    const offset = clientY - column.getBoundingClientRect().top;
    return Math.max(0, Math.min(24 * 60 - SNAP, Math.floor(offset / pixelsPerMinute / SNAP) * SNAP));
  };

  const follow = (onMove: (event: PointerEvent) => void, onUp: (event: PointerEvent) => void) => {
    const move = (event: PointerEvent) => onMove(event);
    const up = (event: PointerEvent) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      onUp(event);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };

  const startCreate = (event: ReactPointerEvent<HTMLElement>, date: string) => {
    if (event.button !== 0 || event.pointerType === "touch") return;
    const column = event.currentTarget;
    const originY = event.clientY;
    const from = minuteAt(column, event.clientY);
    update({ kind: "create", date, from, to: from, moved: false });
    follow(
      (move) => {
        const current = dragRef.current;
        if (current?.kind !== "create") return;
        update({ ...current, to: minuteAt(column, move.clientY), moved: current.moved || Math.abs(move.clientY - originY) > THRESHOLD });
      },
      () => {
        const current = dragRef.current;
        update(null);
        if (current?.kind !== "create") return;
        if (!current.moved) {
          handlersRef.current.onCreate(date, Math.floor(current.from / 30) * 30, null);
          return;
        }
        handlersRef.current.onCreate(date, Math.min(current.from, current.to), Math.max(current.from, current.to) + SNAP);
      },
    );
  };

  const startMove = (event: ReactPointerEvent<HTMLElement>, item: CalendarItem, date: string, kind: "move" | "resize") => {
    if (event.button !== 0 || event.pointerType === "touch" || item.allDay) return;
    event.stopPropagation();
    const column = event.currentTarget.closest("[data-date]");
    const columnWidth = column?.getBoundingClientRect().width ?? 0;
    const origin = { x: event.clientX, y: event.clientY };
    const fromIndex = dates.indexOf(date);
    update({ kind, key: itemKey(item), item, dayDelta: 0, minuteDelta: 0, columnWidth, moved: false });
    follow(
      (move) => {
        const current = dragRef.current;
        if (!current || current.kind === "create") return;
        const minuteDelta = Math.round((move.clientY - origin.y) / pixelsPerMinute / SNAP) * SNAP;
        // The day comes from the distance across columns, not from the element under the pointer:
        // that is the dragged event itself once it follows the pointer, in its own column.
        const columns = columnWidth > 0 ? Math.round((move.clientX - origin.x) / columnWidth) : 0;
        const dayDelta = kind === "move" ? Math.min(Math.max(columns, -fromIndex), dates.length - 1 - fromIndex) : 0;
        const moved = current.moved || Math.hypot(move.clientX - origin.x, move.clientY - origin.y) > THRESHOLD;
        update({ ...current, minuteDelta, dayDelta, moved });
      },
      () => {
        const current = dragRef.current;
        update(null);
        if (!current || current.kind === "create" || !current.moved) return;
        suppressClick.current = true;
        const delta = current.dayDelta * 24 * 60 + current.minuteDelta;
        if (delta !== 0) handlersRef.current.onMove(item, kind === "move" ? delta : 0, delta);
      },
    );
  };

  /** True once after a drag, so the click that ends it does not also open the event. */
  const consumeClick = () => {
    const suppressed = suppressClick.current;
    suppressClick.current = false;
    return suppressed;
  };

  return { drag, startCreate, startMove, consumeClick };
}
