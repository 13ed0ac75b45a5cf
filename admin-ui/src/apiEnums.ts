// The API's enum values the forms offer; typed by the generated schema
// types, so a renamed value fails the type check.
import type {
    CourierDocumentKind,
    CourierDocumentStatus,
    CourierDocumentVerification,
    CourierStatus,
    CourierTransportType,
    StatusReasonKind,
} from './generated/graphql';

export const courierStatuses = ['new', 'active', 'blocked', 'fired'] as const satisfies readonly CourierStatus[];
export const transportTypes = ['foot', 'bicycle', 'scooter', 'moto', 'car'] as const satisfies readonly CourierTransportType[];
export const documentStatuses = ['missing', 'pending', 'verified', 'rejected', 'expired'] as const satisfies readonly CourierDocumentStatus[];
export const documentKinds = ['passport', 'id_card', 'driver_license', 'medical_certificate', 'contract', 'photo'] as const satisfies readonly CourierDocumentKind[];
export const verifications = ['pending', 'verified', 'rejected'] as const satisfies readonly CourierDocumentVerification[];
export const reasonKinds = ['block', 'fire'] as const satisfies readonly StatusReasonKind[];

/** The reason kind a lifecycle action takes its reason from. */
export const reasonKindOf = { blockCourier: 'block', fireCourier: 'fire' } as const satisfies Record<string, StatusReasonKind>;
