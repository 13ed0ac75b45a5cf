import PeopleIcon from '@mui/icons-material/DeliveryDining';
import { CourierList } from './CourierList';
import { CourierShow } from './CourierShow';
import { CourierCreate, CourierEdit } from './CourierForm';

export default { list: CourierList, show: CourierShow, create: CourierCreate, edit: CourierEdit, icon: PeopleIcon };
export { CourierImport } from './CourierImport';
