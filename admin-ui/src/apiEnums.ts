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

export const courierStatuses = ['NEW', 'ACTIVE', 'BLOCKED', 'FIRED'] as const satisfies readonly CourierStatus[];
export const transportTypes = ['FOOT', 'BICYCLE', 'SCOOTER', 'MOTO', 'CAR'] as const satisfies readonly CourierTransportType[];
export const documentStatuses = ['MISSING', 'PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED'] as const satisfies readonly CourierDocumentStatus[];
export const documentKinds = ['PASSPORT', 'ID_CARD', 'DRIVER_LICENSE', 'MEDICAL_CERTIFICATE', 'CONTRACT', 'PHOTO'] as const satisfies readonly CourierDocumentKind[];
export const verifications = ['PENDING', 'VERIFIED', 'REJECTED'] as const satisfies readonly CourierDocumentVerification[];
export const reasonKinds = ['BLOCK', 'FIRE'] as const satisfies readonly StatusReasonKind[];

/** The reason kind a lifecycle action takes its reason from. */
export const reasonKindOf = { blockCourier: 'BLOCK', fireCourier: 'FIRE' } as const satisfies Record<string, StatusReasonKind>;
