import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, serializeDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

const { DateTime } = luxon;

// the hours a day column shows on the "Day" scale
const FIRST_HOUR = 6;
const LAST_HOUR = 21;

/**
 * The technicians' dispatch board: one row per technician, one column per day of the week (or
 * per hour of a day), the service orders in their cells and the unassigned ones beside. Dragging
 * a card onto a cell gives the order to that technician on that day (keeping its time of day) or
 * at that hour; dragging it back to "Unassigned" takes it from the technician. Conflicts (two
 * orders at once, outside the technician's working hours) come from the server with each order.
 */
export class KbeDispatchBoard extends Component {
    static template = "crm_kbe.KbeDispatchBoard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.dragged = null;
        this.notWorkingLabel = _t("Not working");
        this.state = useState({
            scale: "week",
            anchor: DateTime.local().startOf("day"),
            teamId: false,
            data: { technicians: [], orders: [], unassigned: [], teams: [], conflict_labels: {} },
            dropTarget: null,
        });
        onWillStart(() => this.load());
    }

    // ------------------------------------------------------------------ period

    get start() {
        return this.state.scale === "week" ? this.state.anchor.startOf("week") : this.state.anchor.startOf("day");
    }

    get stop() {
        return this.start.plus(this.state.scale === "week" ? { days: 7 } : { days: 1 });
    }

    get periodLabel() {
        if (this.state.scale === "day") {
            return this.start.toLocaleString(DateTime.DATE_HUGE);
        }
        const last = this.stop.minus({ days: 1 });
        return `${this.start.toLocaleString(DateTime.DATE_MED)} – ${last.toLocaleString(DateTime.DATE_MED)}`;
    }

    get columns() {
        const columns = [];
        if (this.state.scale === "week") {
            for (let day = 0; day < 7; day++) {
                const start = this.start.plus({ days: day });
                columns.push({
                    key: start.toISODate(),
                    label: start.toFormat("ccc d"),
                    isToday: start.hasSame(DateTime.local(), "day"),
                    start,
                    stop: start.plus({ days: 1 }),
                });
            }
        } else {
            for (let hour = FIRST_HOUR; hour <= LAST_HOUR; hour++) {
                const start = this.start.set({ hour });
                columns.push({ key: start.toFormat("HH"), label: start.toFormat("HH:mm"), start, stop: start.plus({ hours: 1 }) });
            }
        }
        return columns;
    }

    async load() {
        const data = await this.orm.call("kbe.service.order", "kbe_dispatch_board", [
            serializeDateTime(this.start),
            serializeDateTime(this.stop),
            this.state.teamId,
        ]);
        const parse = (order) => ({ ...order, start: deserializeDateTime(order.start), stop: deserializeDateTime(order.stop) });
        data.orders = data.orders.map(parse);
        data.unassigned = data.unassigned.map(parse);
        for (const technician of data.technicians) {
            technician.hours = technician.hours.map(([start, stop]) => [deserializeDateTime(start), deserializeDateTime(stop)]);
        }
        this.state.data = data;
    }

    move(step) {
        this.state.anchor = this.state.anchor.plus(this.state.scale === "week" ? { weeks: step } : { days: step });
        return this.load();
    }

    today() {
        this.state.anchor = DateTime.local().startOf("day");
        return this.load();
    }

    setScale(scale) {
        this.state.scale = scale;
        return this.load();
    }

    onTeamChange(ev) {
        this.state.teamId = parseInt(ev.target.value) || false;
        return this.load();
    }

    // ------------------------------------------------------------------ cells

    cellOrders(technician, column) {
        return this.state.data.orders.filter((order) => {
            if (order.user_id !== technician.id) {
                return false;
            }
            if (this.state.scale === "day") {
                // an order shows in the hour it starts (the first column holds the earlier ones)
                const hour = Math.min(Math.max(order.start.hour, FIRST_HOUR), LAST_HOUR);
                return order.start.hasSame(column.start, "day") && hour === column.start.hour;
            }
            return order.start < column.stop && order.stop > column.start;
        });
    }

    isWorking(technician, column) {
        return technician.hours.some(([start, stop]) => start < column.stop && stop > column.start);
    }

    cellClass(technician, column) {
        const key = `${technician.id}-${column.key}`;
        return {
            o_kbe_dispatch_off: !this.isWorking(technician, column),
            o_kbe_dispatch_today: column.isToday,
            o_kbe_dispatch_drop: this.state.dropTarget === key,
        };
    }

    timeLabel(order) {
        return `${order.start.toFormat("HH:mm")}–${order.stop.toFormat("HH:mm")}`;
    }

    conflictLabel(order) {
        return order.conflicts.map((key) => this.state.data.conflict_labels[key]).join(", ");
    }

    cardClass(order) {
        const classes = { o_kbe_dispatch_conflict: order.conflicts.length, o_kbe_dispatch_closed: !this.isMovable(order) };
        for (const key of order.conflicts) {
            classes[`o_kbe_dispatch_conflict_${key}`] = true;
        }
        return classes;
    }

    isMovable(order) {
        return order.state === "planned" || order.state === "in_progress";
    }

    // ------------------------------------------------------------------ drag and drop

    onDragStart(ev, order) {
        this.dragged = order;
        if (ev.dataTransfer) {
            ev.dataTransfer.effectAllowed = "move";
            ev.dataTransfer.setData("text/plain", String(order.id));
        }
    }

    onDragEnd() {
        this.dragged = null;
        this.state.dropTarget = null;
    }

    onDragOver(ev, key) {
        if (this.dragged) {
            ev.preventDefault();
            if (ev.dataTransfer) {
                ev.dataTransfer.dropEffect = "move";
            }
            this.state.dropTarget = key;
        }
    }

    async onDrop(ev, technician, column) {
        ev.preventDefault();
        const order = this.dragged;
        this.onDragEnd();
        if (!order) {
            return;
        }
        let when = order.start;
        if (column && this.state.scale === "week") {
            when = column.start.set({ hour: order.start.hour, minute: order.start.minute });
        } else if (column) {
            when = column.start;
        }
        const conflicts = await this.orm.call("kbe.service.order", "action_kbe_dispatch", [
            [order.id],
            technician ? technician.id : false,
            serializeDateTime(when),
        ]);
        if (conflicts.length) {
            this.notification.add(
                conflicts.map((key) => this.state.data.conflict_labels[key]).join(", "),
                { title: _t("%s: check the plan", order.number), type: "warning" }
            );
        }
        await this.load();
    }

    openOrder(order) {
        return this.action.doAction(
            {
                type: "ir.actions.act_window",
                res_model: "kbe.service.order",
                res_id: order.id,
                views: [[false, "form"]],
                target: "new",
            },
            { onClose: () => this.load() }
        );
    }
}

registry.category("actions").add("kbe_dispatch_board", KbeDispatchBoard);
